package com.example.bomconsumer;

import org.portal4j.FromSync;
import org.portal4j.Portals;

/** A user's program: which backends it got, and where a call in a new thread ran. */
public final class App {

  private App() {}

  public static void main(String[] args) {
    System.out.println("backends: " + Portals.backends());
    String kind = FromSync.callInNewThread(() -> Thread.currentThread().isVirtual() ? "virtual" : "platform");
    System.out.println("callInNewThread ran on a " + kind + " thread");
    System.out.println("concurrency-api loaded from "
        + Portals.class.getProtectionDomain().getCodeSource().getLocation().getPath());
  }
}
