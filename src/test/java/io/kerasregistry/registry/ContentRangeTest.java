package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentRangeTest {

    @ParameterizedTest(name = "{0} of 1000 bytes is {1}-{2}")
    @CsvSource({
            "bytes=0-99, 0, 99",
            "bytes=900-, 900, 999",
            "bytes=-100, 900, 999",
            "bytes=990-5000, 990, 999",
            "bytes=-5000, 0, 999",
            "bytes=999-999, 999, 999"})
    void singleRangesAreServed(String header, long first, long last) {
        assertThat(ContentResponses.parseRange(header, 1000)).containsExactly(first, last);
    }

    @ParameterizedTest(name = "{0} is answered with the whole content")
    @CsvSource(delimiter = '|', value = {"bytes=0-1,5-6", "items=0-10", "bytes=20-10", "bytes=-", "nonsense"})
    void whatWeDoNotServeFallsBackToTheWholeContent(String header) {
        assertThat(ContentResponses.parseRange(header, 1000)).isNull();
    }

    @Test
    void aRangeBeyondTheEndIsNotSatisfiable() {
        assertThatThrownBy(() -> ContentResponses.parseRange("bytes=1000-", 1000))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.type()).isEqualTo(ProblemType.RANGE_NOT_SATISFIABLE);
                    assertThat(e.headers()).containsEntry("Content-Range", "bytes */1000");
                });
        assertThatThrownBy(() -> ContentResponses.parseRange("bytes=-0", 1000)).isInstanceOf(RegistryException.class);
    }
}
