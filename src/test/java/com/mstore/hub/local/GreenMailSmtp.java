package com.mstore.hub.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP server in the JVM (GreenMail) that keeps every mail it accepts; in dev mode it also
 * serves them over IMAP, so any mail client (or curl) can read what the hub sent.
 */
public final class GreenMailSmtp extends StartedHere {

    private final GreenMail greenMail;

    private GreenMailSmtp(int port, GreenMail greenMail) {
        super("SMTP", port);
        this.greenMail = greenMail;
    }

    public static GreenMailSmtp start(int port) {
        return start(port, 0);
    }

    /** With an IMAP port other than 0, mails can be read there: user and password are the recipient's address. */
    public static GreenMailSmtp start(int port, int imapPort) {
        ServerSetup smtp = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail greenMail = imapPort == 0
                ? new GreenMail(smtp)
                : new GreenMail(new ServerSetup[] {smtp, new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        return new GreenMailSmtp(port, greenMail);
    }

    /** The mails received so far, for tests to read. */
    public GreenMail mailbox() {
        return greenMail;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
