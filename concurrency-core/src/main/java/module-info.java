/**
 * portal4j's default runtime and its platform-thread backend. It exports nothing: applications use
 * the API module {@code org.portal4j}, which finds this runtime as a service.
 *
 * @provides org.portal4j.spi.ConcurrencyRuntime the default runtime
 * @provides org.portal4j.spi.PortalProvider the {@code platform} backend
 * @uses org.portal4j.spi.PortalProvider
 * @uses org.portal4j.spi.ContextPropagator context propagators, carried by every call
 */
@SuppressWarnings("requires-automatic") // auto-service's annotations, at compile time only
module org.portal4j.core {
  requires static org.jspecify;
  requires org.portal4j;
  requires org.slf4j;
  requires jdk.jfr;
  requires static com.google.auto.service;

  uses org.portal4j.spi.PortalProvider;
  uses org.portal4j.spi.ContextPropagator;

  provides org.portal4j.spi.ConcurrencyRuntime with
      org.portal4j.core.CoreRuntime;
  provides org.portal4j.spi.PortalProvider with
      org.portal4j.core.PlatformPortalProvider;
}
