package com.mstore.hub.smtp;

import jakarta.mail.MessagingException;

/**
 * The SMTP server had the whole mail but its reply never came (timeout, connection lost): the mail
 * may have been delivered or not. Sending it again may deliver it twice.
 */
public class MailOutcomeUnknownException extends MessagingException {

    public MailOutcomeUnknownException(String message, Exception cause) {
        super(message, cause);
    }
}
