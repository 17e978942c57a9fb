/**
 * portal4j's queue services: background consumers on the global event loop, built on the API alone.
 */
module org.portal4j.services {
  requires static org.jspecify;
  requires transitive org.portal4j;
  requires org.slf4j;

  exports org.portal4j.services;
}
