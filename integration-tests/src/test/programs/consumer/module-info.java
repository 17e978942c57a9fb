/**
 * The consumer program as a named module: it needs nothing but the API, like a user's module. The
 * runtime and the backends are found by {@link java.util.ServiceLoader} among the modules on the
 * module path (automatic modules provide what their {@code META-INF/services} lists).
 */
module org.portal4j.it.consumer {
  requires org.portal4j;
}
