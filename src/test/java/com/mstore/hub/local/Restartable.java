package com.mstore.hub.local;

/** A broker the fault tests can take down and bring back at the same address, its stored data kept. */
public interface Restartable {

    /** Stops the broker as a crash or a maintenance restart would; what it stores on disk stays. */
    void stop();

    /** Starts it again at the same port, on the data it had. */
    void start();
}
