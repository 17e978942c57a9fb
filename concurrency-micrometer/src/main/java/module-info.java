/**
 * portal4j's bridge to Micrometer's context-propagation library: every {@code ThreadLocalAccessor}
 * registered with {@code io.micrometer.context.ContextRegistry} travels with portal4j calls.
 * Present on the class or module path, it is found as a service; it exports nothing.
 *
 * @provides org.portal4j.spi.ContextPropagator the Micrometer context bridge
 */
@SuppressWarnings(
    "requires-automatic") // context-propagation and auto-service are automatic modules
module org.portal4j.micrometer {
  requires static org.jspecify;
  requires org.portal4j;
  requires context.propagation;
  requires static com.google.auto.service;

  provides org.portal4j.spi.ContextPropagator with
      org.portal4j.micrometer.MicrometerContextPropagator;
}
