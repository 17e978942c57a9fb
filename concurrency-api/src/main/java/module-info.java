/**
 * portal4j's API: calls, portals, waiters and the entry points {@link org.portal4j.FromSync} and
 * {@link org.portal4j.FromAsync}, with the SPI that runtimes and backends implement.
 *
 * <p>It holds no runtime: the implementation of {@link org.portal4j.spi.ConcurrencyRuntime} (module
 * {@code org.portal4j.core}) is found with {@link java.util.ServiceLoader} when the first entry
 * point is used. On the module path, service binding resolves it (and any backend module) without
 * {@code --add-modules}.
 *
 * @uses org.portal4j.spi.ConcurrencyRuntime
 * @uses org.portal4j.spi.ContextPropagator
 */
module org.portal4j {
  requires static org.jspecify;
  requires org.slf4j;

  exports org.portal4j;
  exports org.portal4j.spi;
  exports org.portal4j.spi.support;
  // The runtime binding, for portal4j's own modules only.
  exports org.portal4j.internal to
      org.portal4j.core,
      org.portal4j.services,
      org.portal4j.netty;

  uses org.portal4j.spi.ConcurrencyRuntime;
  uses org.portal4j.spi.ContextPropagator;
}
