package com.mstore.hub.local;

/** A broker this harness started, and so stops on close. */
abstract class StartedHere implements LocalBroker {

    private final String name;
    private final int port;

    StartedHere(String name, int port) {
        this.name = name;
        this.port = port;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean startedHere() {
        return true;
    }
}
