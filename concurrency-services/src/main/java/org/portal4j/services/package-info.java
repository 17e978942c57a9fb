/**
 * Queue services: background consumers on the global event loop that items are sent to from any
 * thread (Prefect's {@code prefect._internal.concurrency.services}), for shipping logs, events and
 * slot requests.
 *
 * <ul>
 *   <li>{@link org.portal4j.services.QueueService}: items handled one at a time, in order;
 *   <li>{@link org.portal4j.services.BatchedQueueService}: items handled in batches, by size or
 *       time;
 *   <li>{@link org.portal4j.services.FutureQueueService}: each send returns a future for its
 *       result.
 * </ul>
 *
 * {@link org.portal4j.services.AbstractQueueService} holds what they share: one running instance
 * per (class, key), sending that never blocks, an optional bound, draining that loses nothing, and
 * draining at loop shutdown and JVM exit.
 */
@NullMarked
package org.portal4j.services;

import org.jspecify.annotations.NullMarked;
