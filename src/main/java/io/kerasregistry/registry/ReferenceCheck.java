package io.kerasregistry.registry;

import io.kerasregistry.common.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A quick look at uploaded reference vectors, as a stream of tokens (they can be large): a JSON object
 * whose {@code inputs} and {@code outputs} are arrays. The worker reads the numbers.
 */
final class ReferenceCheck {

    private ReferenceCheck() {
    }

    static void check(Path file, JsonMapper json) {
        boolean inputs = false;
        boolean outputs = false;
        try (InputStream in = Files.newInputStream(file); JsonParser parser = json.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("it is not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ((name.equals("inputs") || name.equals("outputs")) && value != JsonToken.START_ARRAY) {
                    throw invalid("'" + name + "' must be an array");
                }
                inputs |= name.equals("inputs");
                outputs |= name.equals("outputs");
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw invalid("it does not end where its top-level object ends");
            }
        } catch (StreamReadException e) {
            throw invalid("it is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid(e.getMessage());
        }
        if (!inputs || !outputs) {
            throw invalid("it needs both 'inputs' and 'outputs'");
        }
    }

    private static RegistryException invalid(String why) {
        return RegistryException.invalid("the reference vectors are not usable: " + why
                + " (expected {\"inputs\": [{\"name\", \"shape\", \"data\"}], \"outputs\": [...]})");
    }
}
