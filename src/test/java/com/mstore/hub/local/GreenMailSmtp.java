package com.mstore.hub.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A real SMTP server in the JVM (GreenMail) that keeps every mail it accepts. */
public final class GreenMailSmtp implements LocalBroker {

    private final int port;
    private final GreenMail greenMail;

    private GreenMailSmtp(int port, GreenMail greenMail) {
        this.port = port;
        this.greenMail = greenMail;
    }

    static GreenMailSmtp start(int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new GreenMailSmtp(port, greenMail);
    }

    /** The mails received so far, for tests to read. */
    public GreenMail mailbox() {
        return greenMail;
    }

    @Override
    public String name() {
        return "SMTP";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean startedHere() {
        return true;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
