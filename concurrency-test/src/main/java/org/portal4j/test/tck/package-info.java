/**
 * A conformance suite (TCK) for portals: abstract JUnit 5 test classes that check a {@link
 * org.portal4j.spi.PortalProvider}'s portals against the contract of portal4j's DESIGN.md, so that
 * every backend, ours or yours, keeps the same promises.
 *
 * <ul>
 *   <li>{@link org.portal4j.test.tck.WorkerPortalTck}: worker portals ({@code newWorker});
 *   <li>{@link org.portal4j.test.tck.LoopPortalTck}: event loops ({@code newLoop});
 *   <li>{@link org.portal4j.test.tck.PortalTck}: what both share, and the capability hooks.
 * </ul>
 *
 * <p>Use: add {@code org.portal4j:concurrency-test} and {@code org.portal4j:concurrency-core} as
 * test dependencies, and extend one class per kind your provider makes, overriding {@code
 * provider()}:
 *
 * <pre>{@code
 * class MyWorkerPortalConformanceTest extends WorkerPortalTck {
 *   @Override
 *   protected PortalProvider provider() {
 *     return new MyPortalProvider();
 *   }
 * }
 * }</pre>
 *
 * Each test is named for the behaviour it checks and says in its Javadoc which line of DESIGN.md
 * (or row of docs/errors.md) that is. A test that needs a capability your portals legitimately lack
 * is reported as skipped once you say so through the hook, never passed. Tests wait on states with
 * deadlines, never on the clock, and fail instead of hanging; run the suite a few times in a row
 * before trusting a new backend: a test that fails now and then has found a race.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.test.tck;

import org.jspecify.annotations.NullMarked;
