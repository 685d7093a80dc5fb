package com.mstore.hub.emails;

import java.time.Duration;

import com.mstore.hub.rabbitmq.RabbitPublisher;
import com.mstore.hub.runtime.FileReloading;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What routes/emails.camel.yaml calls by name (mstore.emails.*). */
@Configuration
public class EmailsBeans implements CamelConfiguration {

    @PropertyInject("mstore.emails.queue")
    private String queue;

    @PropertyInject("mstore.emails.claim-ttl-seconds")
    private long claimTtlSeconds;

    @PropertyInject("mstore.dedupe.ttl-seconds")
    private long dedupeTtlSeconds;

    @PropertyInject("mstore.templates.directory")
    private String templates;

    private MailRenderer renderer;

    @BindToRegistry("mailRenderer")
    public synchronized MailRenderer mailRenderer() {
        if (renderer == null) {
            renderer = new MailRenderer(templates);
        }
        return renderer;
    }

    @Override
    public void configure(CamelContext context) {
        FileReloading.watch(context, java.nio.file.Path.of(templates), MailRenderer.SUFFIX, "mail template", mailRenderer()::reload);
    }

    @BindToRegistry("mailFailures")
    public MailFailures mailFailures() {
        return new MailFailures();
    }

    /** Once per job id across workers and instances (CONTRACTS.md, Cross-cutting: mstore:idem:emails:{jobId}). */
    @BindToRegistry(value = "emailJobClaims", lazy = true)
    public EmailJobClaims emailJobClaims(StringRedisTemplate redisTemplate) {
        return new EmailJobClaims(redisTemplate, "mstore:idem:emails:", Duration.ofSeconds(claimTtlSeconds),
                Duration.ofSeconds(dedupeTtlSeconds));
    }

    @BindToRegistry(value = "emailJobQueue", lazy = true)
    public EmailJobQueue emailJobQueue(RabbitPublisher rabbitPublisher) {
        return new EmailJobQueue(rabbitPublisher, queue);
    }
}
