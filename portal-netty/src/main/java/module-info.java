/**
 * The {@code netty} backend of portal4j: event loops on Netty. Present on the module path, it is
 * bound as a service; it exports nothing.
 *
 * @provides org.portal4j.spi.PortalProvider the {@code netty} backend
 */
@SuppressWarnings("requires-automatic") // auto-service's annotations, at compile time only
module org.portal4j.netty {
  requires static org.jspecify;
  requires org.portal4j;
  requires io.netty.common;
  requires io.netty.transport;
  requires static com.google.auto.service;

  provides org.portal4j.spi.PortalProvider with
      org.portal4j.netty.NettyPortalProvider;
}
