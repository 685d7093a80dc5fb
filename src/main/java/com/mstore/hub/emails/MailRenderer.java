package com.mstore.hub.emails;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the mail of the job in property {@code job} from its Mustache templates,
 * {@code {type}.subject|txt|html.mustache} in {@code mstore.templates.directory}: the subject and
 * recipient as headers, the text part as camel-mail's alternative body, the HTML part as the body.
 * The text and subject templates use triple braces (values as they are), the HTML one double braces
 * (HTML-escaped). Each template is read when first used; an edited one replaces it ({@link #reload})
 * only if it compiles, otherwise the last good version stays.
 *
 * <p>Why not three camel-mustache steps: each is a dynamic endpoint look-up, a copy of the exchange
 * and its events, about a tenth of a mail's CPU in all (measured); the same mustache.java renders here.
 */
public class MailRenderer implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(MailRenderer.class);
    public static final String SUFFIX = ".mustache";

    private final Path directory;
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

    public MailRenderer(String directory) {
        this.directory = Path.of(directory);
    }

    @Override
    public void process(Exchange exchange) {
        EmailJob job = exchange.getProperty("job", EmailJob.class);
        // the templates read the job as "body", as camel-mustache offered it
        Map<String, Object> scope = Map.of("body", job);
        Message mail = exchange.getMessage();
        mail.getHeaders().clear();
        mail.setHeader("Subject", render(job.type(), "subject", scope).trim());
        mail.setHeader("To", job.to());
        mail.setHeader("Message-ID", messageId(job.jobId()));
        mail.setHeader(MailConstants.MAIL_ALTERNATIVE_BODY, render(job.type(), "txt", scope));
        mail.setBody(render(job.type(), "html", scope));
    }

    /**
     * The same for every send of a job: should a mail go twice (its first final reply lost), a
     * receiving system can tell the copy. A job id that is not plain letters, digits, '-' and '_' is
     * hashed, so the id stays a valid RFC 5322 msg-id.
     */
    static String messageId(String jobId) {
        String local = jobId.matches("[A-Za-z0-9_-]{1,200}") ? jobId : "sha256." + sha256(jobId);
        return "<job." + local + "@mstore-hub>";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles an edited template file: used from now on if it compiles, otherwise this throws why and the last one stays. */
    public void reload(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return;
        }
        String template = name.substring(0, name.length() - SUFFIX.length());
        compiled.put(template, compile(template));
        LOG.info("Mail template {} reloaded", name);
    }

    private String render(String type, String part, Map<String, Object> scope) {
        Mustache template = compiled.computeIfAbsent(type + "." + part, this::compile);
        StringWriter out = new StringWriter();
        template.execute(out, scope);
        return out.toString();
    }

    /** A fresh factory each time: DefaultMustacheFactory keeps what it compiled, an edit would not be read. */
    private Mustache compile(String template) {
        Path file = directory.resolve(template + SUFFIX);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no mail template " + file);
        }
        return new DefaultMustacheFactory(new File(directory.toString())).compile(template + SUFFIX);
    }
}
