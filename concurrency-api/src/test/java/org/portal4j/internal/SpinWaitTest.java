package org.portal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpinWaitTest {

  private static final int DEFAULT = Runtime.getRuntime().availableProcessors() > 1 ? 128 : 0;

  @Test
  void withoutThePropertyAWaitLooksAgain128TimesOnSeveralProcessorsAndNeverOnOne() {
    assertEquals(DEFAULT, SpinWait.spins(null));
  }

  @Test
  void thePropertySetsTheCountAndZeroTurnsSpinningOff() {
    assertEquals(7, SpinWait.spins(" 7 "));
    assertEquals(0, SpinWait.spins("0"));
  }

  @Test
  void aNegativeCountMeansNoSpinning() {
    assertEquals(0, SpinWait.spins("-5"));
  }

  @Test
  void aHugeCountIsCutSoThatNoWaitBurnsACoreForLong() {
    assertEquals(SpinWait.MAX_SPINS, SpinWait.spins(String.valueOf(Integer.MAX_VALUE)));
    assertEquals(SpinWait.MAX_SPINS, SpinWait.spins(String.valueOf(SpinWait.MAX_SPINS + 1)));
    assertEquals(SpinWait.MAX_SPINS, SpinWait.spins(String.valueOf(SpinWait.MAX_SPINS)));
  }

  @Test
  void aValueThatIsNotACountKeepsTheDefaultRatherThanStoppingPortal4j() {
    assertEquals(DEFAULT, SpinWait.spins("lots"));
    assertEquals(DEFAULT, SpinWait.spins(""));
    assertEquals(DEFAULT, SpinWait.spins("99999999999999"));
  }
}
