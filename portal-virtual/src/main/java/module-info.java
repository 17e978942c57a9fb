/**
 * The {@code virtual} backend of portal4j: workers and new-thread calls on virtual threads (Java
 * 21+). Present on the module path, it is bound as a service; it exports nothing.
 *
 * @provides org.portal4j.spi.PortalProvider the {@code virtual} backend
 */
@SuppressWarnings("requires-automatic") // auto-service's annotations, at compile time only
module org.portal4j.virtual {
  requires static org.jspecify;
  requires org.portal4j;
  requires static com.google.auto.service;

  provides org.portal4j.spi.PortalProvider with
      org.portal4j.virtual.VirtualPortalProvider;
}
