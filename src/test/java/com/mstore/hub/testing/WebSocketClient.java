package com.mstore.hub.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A browser-like WebSocket client (the JDK's), keeping every text message it receives. */
public final class WebSocketClient implements AutoCloseable {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final WebSocket socket;

    /**
     * Connects as an authenticated browser session would: to a user's notification socket with
     * that user's token, elsewhere with the test API key.
     */
    public WebSocketClient(String url) {
        this(url, com.mstore.hub.security.UserTokens.userOf(URI.create(url).getPath())
                .map(RunningHub::userToken).orElse(RunningHub.TEST_API_KEY));
    }

    /** Connects presenting this bearer credential, an API key or a user token (none when null). */
    public WebSocketClient(String url, String apiKey) {
        try {
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5));
            if (apiKey != null) {
                builder.header("Authorization", "Bearer " + apiKey);
            }
            socket = builder
                    .buildAsync(URI.create(url), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                received.add(partial.toString());
                                partial.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open WebSocket " + url, e);
        }
    }

    public List<String> received() {
        return received;
    }

    /** False once the server closed the socket or the connection broke. */
    public boolean isOpen() {
        return !socket.isInputClosed();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
}
