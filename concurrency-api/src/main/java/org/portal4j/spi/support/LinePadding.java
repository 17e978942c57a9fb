package org.portal4j.spi.support;

/**
 * The 64 bytes of fields before a field that one thread writes often and others read: a subclass
 * declares that field, and a subclass of it 64 more bytes after, so that nothing else shares its
 * cache line ({@link RunningCallSlot}, {@link TaskQueue}'s ends). The padding is in the class
 * hierarchy, as in JCTools: the JVM lays out a superclass's fields before its subclass's.
 *
 * <p>The int fills the 4 bytes a 12-byte object header leaves before the longs, which the JVM would
 * otherwise give to the subclass's field, right behind the header and so next to whatever object
 * precedes this one (a hostile review measured it at offset 12; with the int it is at 80).
 */
@SuppressWarnings("unused") // padding
abstract class LinePadding {
  private int p;
  private long p0, p1, p2, p3, p4, p5, p6, p7;
}
