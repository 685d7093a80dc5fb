package com.mstore.hub.notifications;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mstore.hub.errors.RejectedMessageException;

/** The user a {@code user:{userId}:notifications} channel belongs to. */
public final class NotificationChannels {

    private static final Pattern CHANNEL = Pattern.compile("user:(\\d{1,18}):notifications");

    public long userIdOf(String channel) {
        Matcher matcher = CHANNEL.matcher(channel == null ? "" : channel);
        if (!matcher.matches()) {
            throw new RejectedMessageException("unknown-channel", "not a user notification channel: " + channel);
        }
        return Long.parseLong(matcher.group(1));
    }
}
