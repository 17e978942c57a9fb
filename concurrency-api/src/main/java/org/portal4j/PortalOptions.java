package org.portal4j;

import org.jspecify.annotations.Nullable;

/**
 * How a new worker or loop portal is made.
 *
 * @param name the portal's name, contained in its thread's name; null lets the portal generate one
 *     ({@code WorkerThread-N}, {@code EventLoopThread-N})
 * @param daemon whether the portal's thread is a daemon thread
 * @param runOnce whether the portal takes a single call and shuts itself down after it
 * @since 0.1
 */
public record PortalOptions(@Nullable String name, boolean daemon, boolean runOnce) {

  private static final PortalOptions DEFAULTS = new PortalOptions(null, false, false);

  /**
   * No name (the portal generates one), not daemon, not run-once.
   *
   * @return the default options
   */
  public static PortalOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link PortalOptions}; not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private @Nullable String name;
    private boolean daemon;
    private boolean runOnce;

    private Builder() {}

    /**
     * Sets the portal's name.
     *
     * @param name the name, or null to let the portal generate one
     * @return this builder
     */
    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets whether the portal's thread is a daemon thread.
     *
     * @param daemon the flag
     * @return this builder
     */
    public Builder daemon(boolean daemon) {
      this.daemon = daemon;
      return this;
    }

    /**
     * Sets whether the portal takes a single call and then shuts down.
     *
     * @param runOnce the flag
     * @return this builder
     */
    public Builder runOnce(boolean runOnce) {
      this.runOnce = runOnce;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public PortalOptions build() {
      return new PortalOptions(name, daemon, runOnce);
    }
  }
}
