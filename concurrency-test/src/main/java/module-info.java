/**
 * JUnit 5 support for testing code that starts threads, and for testing portals: {@link
 * org.portal4j.test.CheckThreadLeaks}, and the portal conformance suite (TCK) in {@code
 * org.portal4j.test.tck} that every backend runs.
 */
module org.portal4j.test {
  requires static org.jspecify;
  requires transitive org.portal4j;
  requires transitive org.junit.jupiter.api;
  requires org.junit.platform.commons;

  exports org.portal4j.test;
  exports org.portal4j.test.tck;

  // JUnit calls the suites' package-private test methods reflectively.
  opens org.portal4j.test.tck to
      org.junit.platform.commons;
}
