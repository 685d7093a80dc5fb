package com.mstore.hub.emails;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import org.apache.camel.Exchange;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import com.mstore.hub.errors.RejectedMessageException;

/**
 * Tells a mail that can never be sent (the server refused the recipient or the message with a
 * 5xx reply) from one worth retrying (server unreachable, 4xx "try again later").
 */
public final class MailFailures {

    /** Rethrows the caught SMTP failure: as a rejection when it is permanent, unchanged otherwise. */
    public void classify(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer code = smtpReplyCode(caught);
        if (code != null && code >= 500) {
            throw new RejectedMessageException("smtp-refused",
                    "the SMTP server refused the mail with " + code + ": " + caught.getMessage(), caught);
        }
        throw caught;
    }

    public static Integer smtpReplyCode(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException address) {
                return address.getReturnCode();
            }
            if (t instanceof SMTPSendFailedException send) {
                return send.getReturnCode();
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException messaging && messaging.getNextException() != null) {
            return messaging.getNextException();
        }
        if (t instanceof SendFailedException) {
            return null;
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
