package com.mstore.hub.cache;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mstore.hub.errors.RejectedMessageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which keys and patterns a cache invalidation may reach, with the default prefix cache:. */
class KeyGuardTest {

    private final KeyGuard guard = new KeyGuard("cache:, ");

    @ParameterizedTest
    @ValueSource(strings = {"cache:product:1", "cache:", "cache:branch:7:sales"})
    void keysUnderTheAllowedPrefixMayGo(String key) {
        assertThatCode(() -> guard.checkKey(key)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mstore:idem:transactions:T1", "session:1", "cach", "Cache:x", "cache:x\r\nFLUSHALL", "cache:\u007f"})
    void anyOtherKeyIsRefused(String key) {
        assertThatThrownBy(() -> guard.checkKey(key)).isInstanceOf(RejectedMessageException.class).hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cache:product:*", "cache:[ab]*", "cache:?"})
    void patternsWhoseLiteralStartIsAllowedMayGo(String pattern) {
        assertThatCode(() -> guard.checkPattern(pattern)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "c*", "cach?:*", "[c]ache:*", "\\cache:*", "cache*", "^cache:*", "mstore:*"})
    void patternsThatCouldReachOutsideAreRefused(String pattern) {
        assertThatThrownBy(() -> guard.checkPattern(pattern)).isInstanceOf(RejectedMessageException.class);
    }
}
