package com.mstore.hub.notifications;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.errors.RejectedMessageException;

/** The user a {@code user:{userId}:notifications} channel belongs to. */
public final class NotificationChannels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHANNEL = Pattern.compile("user:(\\d{1,18}):notifications");

    public long userIdOf(String channel) {
        Matcher matcher = CHANNEL.matcher(channel == null ? "" : channel);
        if (!matcher.matches()) {
            throw new RejectedMessageException("unknown-channel", "not a user notification channel: " + channel);
        }
        return Long.parseLong(matcher.group(1));
    }

    /**
     * Refuses a notification whose payload names another user than its channel: which of the two
     * the sender meant is unknown, and guessing could show one user's message to another.
     */
    public void checkAddressedTo(long channelUserId, String canonicalJson) {
        long payloadUserId;
        try {
            payloadUserId = JSON.readTree(canonicalJson).path("userId").asLong(-1);
        } catch (JsonProcessingException e) {
            throw new RejectedMessageException("not-json", "the notification is not JSON: " + e.getOriginalMessage());
        }
        if (payloadUserId != channelUserId) {
            throw new RejectedMessageException("user-mismatch", "the notification on the channel of user "
                    + channelUserId + " names user " + payloadUserId);
        }
    }
}
