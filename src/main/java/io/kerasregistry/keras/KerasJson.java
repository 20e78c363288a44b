package io.kerasregistry.keras;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses the JSON documents Keras writes (model config, training config, {@code metadata.json}) within
 * {@link KerasReadLimits}: the parser itself refuses documents that are too large or too deeply nested,
 * so a hostile config never reaches tree building.
 *
 * <p>Python's {@code json.dumps} writes {@code NaN} and {@code Infinity} for non-finite floats (a
 * {@code Masking(mask_value=float("nan"))}, for instance), so those are accepted.
 */
final class KerasJson {

    private final JsonMapper mapper;
    private final KerasReadLimits limits;

    KerasJson(KerasReadLimits limits) {
        this.limits = limits;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxJsonDepth())
                .maxDocumentLength(limits.maxJsonBytes())
                .maxStringLength((int) Math.min(limits.maxJsonBytes(), Integer.MAX_VALUE))
                .maxNameLength((int) Math.min(limits.maxJsonBytes(), Integer.MAX_VALUE))
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    JsonNode parse(String text, String what) {
        // a UTF-16 length check first: it is free and stops a huge attribute before the parser runs
        if ((long) text.length() > limits.maxJsonBytes()) {
            throw tooLarge(what, text.length());
        }
        try {
            return mapper.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new ModelLimitExceededException(what + " exceeds a parsing limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw new CorruptModelException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (StackOverflowError e) {
            // cannot happen within the depth limit; kept so that a misconfigured limit stays a clean refusal
            throw new ModelLimitExceededException(what + " is nested too deeply");
        }
    }

    JsonNode parse(byte[] utf8, String what) {
        if (utf8.length > limits.maxJsonBytes()) {
            throw tooLarge(what, utf8.length);
        }
        try {
            // Python's json.dumps writes UTF-8; bytes that are not are refused, never replaced
            return parse(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(utf8)).toString(), what);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CorruptModelException(what + " is not valid UTF-8");
        }
    }

    private ModelLimitExceededException tooLarge(String what, long size) {
        return new ModelLimitExceededException(
                what + " is " + size + " bytes, more than the limit of " + limits.maxJsonBytes());
    }
}
