package com.mstore.hub.notifications;

import java.time.Clock;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Tells every user of a branch something: one notification (CONTRACTS.md section 5, {@code userId},
 * {@code message}, {@code timestamp}) on each user's channel {@code user:{userId}:notifications}, for
 * the users in the Redis set {@code mstore:branch:{branchId}:users}, its timestamp RFC 3339 to the
 * millisecond (the notifications flow pushes the same user, message and timestamp once). The branch and the message are
 * Camel simple expressions, evaluated on each message (the kamelet mstore-branch-notification-sink).
 * Built with Jackson, not a template: a message is whatever the flow put in it, quotes included.
 */
public class BranchNotifications implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(BranchNotifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private StringRedisTemplate redis;
    private String branchIdSimple;
    private String messageSimple;
    private volatile Expression branchId;
    private volatile Expression message;
    private Clock clock = Clock.systemUTC();

    public void setRedis(StringRedisTemplate redis) {
        this.redis = redis;
    }

    public void setBranchId(String simple) {
        this.branchIdSimple = simple;
    }

    public void setMessage(String simple) {
        this.messageSimple = simple;
    }

    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** Publishes the notification to each user of the branch; the body becomes how many were told. */
    @Override
    public void process(Exchange exchange) {
        if (message == null) {
            CamelContext context = exchange.getContext();
            branchId = context.resolveLanguage("simple").createExpression(branchIdSimple);
            message = context.resolveLanguage("simple").createExpression(messageSimple);
        }
        String branch = branchId.evaluate(exchange, String.class);
        String text = message.evaluate(exchange, String.class);
        Set<String> users = redis.opsForSet().members("mstore:branch:" + branch + ":users");
        int told = 0;
        for (String user : users == null ? Set.<String>of() : users) {
            long userId;
            try {
                userId = Long.parseLong(user);
            } catch (NumberFormatException notAUserId) {
                LOG.warn("Branch {} lists user '{}', which is not a user id: not notified", branch, user);
                continue;
            }
            String notification = JSON.createObjectNode().put("userId", userId).put("message", text)
                    .put("timestamp", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString()).toString();
            redis.convertAndSend("user:" + userId + ":notifications", notification);
            told++;
        }
        exchange.getMessage().setBody(told);
    }
}
