/**
 * JUnit 5 support for testing code that starts threads, and for testing portals: {@link
 * org.portal4j.test.CheckThreadLeaks}.
 */
module org.portal4j.test {
  requires static transitive org.jspecify;
  requires transitive org.junit.jupiter.api;
  requires org.junit.platform.commons;

  exports org.portal4j.test;
}
