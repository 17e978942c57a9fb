/**
 * portal4j's JDK Flight Recorder events, category {@code portal4j}: {@code org.portal4j.Call},
 * {@code org.portal4j.Timeout}, {@code org.portal4j.StuckCall} and {@code org.portal4j.Deadlock}.
 * Record them with {@code -XX:StartFlightRecording} and read them with {@code jfr print
 * --categories portal4j}.
 *
 * <p>Each event class has a static {@code enabled()} check that the runtime asks before it makes an
 * event: while no recording wants the event, the check is false and no event object is allocated
 * (the throwaway instance it tests does not escape, so the JIT removes it).
 */
package org.portal4j.core.events;
