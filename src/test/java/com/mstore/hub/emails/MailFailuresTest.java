package com.mstore.hub.emails;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** Which SMTP failures are permanent (a 5xx reply) and which are worth retrying. */
class MailFailuresTest {

    @Test
    void aRefusedRecipientIsFoundWhereJakartaMailNestsIt() throws Exception {
        SMTPAddressFailedException refused = new SMTPAddressFailedException(new InternetAddress("a@example.com"),
                "RCPT TO", 550, "550 no such user");
        SendFailedException send = new SendFailedException("Invalid Addresses", refused);
        assertThat(MailFailures.smtpReplyCode(new MessagingException("send failed", send))).isEqualTo(550);
    }

    @Test
    void aTemporaryRefusalKeepsItsFourHundredCodeAndAnUnreachableServerHasNone() {
        SMTPSendFailedException later = new SMTPSendFailedException("DATA", 451, "451 try again later", null, null, null, null);
        assertThat(MailFailures.smtpReplyCode(later)).isEqualTo(451);
        assertThat(MailFailures.smtpReplyCode(new MessagingException("Could not connect to SMTP host",
                new java.net.ConnectException("Connection refused")))).isNull();
        assertThat(MailFailures.smtpReplyCode(null)).isNull();
    }
}
