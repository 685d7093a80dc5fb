package com.mstore.hub.security;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;

/**
 * The credential of a user's notification WebSocket ({@code /ws/users/{userId}/notifications}): a
 * short-lived JWT the backend issues to the signed-in user, HMAC-SHA256 signed with the secret it
 * shares with the hub ({@code mstore.http.user-token-secret}), naming the user as its subject, with
 * an expiry and audience {@value #AUDIENCE}. A token opens that user's socket and nothing else; the
 * service API keys open no user's socket.
 */
public final class UserTokens {

    public static final String AUDIENCE = "mstore-hub-notifications";
    private static final Pattern USER_SOCKET = Pattern.compile("/ws/users/([^/]+)/notifications");

    private final JWTVerifier verifier;

    /** @param secret the shared HMAC secret, at least 32 bytes; blank refuses every token */
    public UserTokens(String secret, long leewaySeconds) {
        this.verifier = secret == null || secret.isBlank() ? null
                : JWT.require(Algorithm.HMAC256(secret))
                        .withAudience(AUDIENCE)
                        .withClaimPresence("exp")
                        .withClaimPresence("sub")
                        .acceptLeeway(leewaySeconds)
                        .build();
    }

    /** The user whose socket the path opens, or empty for a path that is not a user's socket. */
    public static Optional<String> userOf(String path) {
        Matcher matcher = path == null ? null : USER_SOCKET.matcher(path);
        return matcher != null && matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** True when the token is genuine, unexpired, for this hub's sockets and names this user. */
    public boolean admits(String token, String userId) {
        if (verifier == null || token == null || token.isBlank()) {
            return false;
        }
        try {
            return userId.equals(verifier.verify(token).getSubject());
        } catch (JWTVerificationException refused) {
            return false;
        }
    }

    public boolean configured() {
        return verifier != null;
    }
}
