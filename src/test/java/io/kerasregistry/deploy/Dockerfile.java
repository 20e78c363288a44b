package io.kerasregistry.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Dockerfile read the way the builder reads it: comments dropped, continued lines joined,
 * instructions grouped into stages. Enough for static checks, not a full implementation.
 */
record Dockerfile(List<Stage> stages) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Instruction(String keyword, String arguments, int line) {

        /** {@code --name=value} flags at the start of the arguments. */
        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>();
            Matcher m = Pattern.compile("--([a-z-]+)(?:=(\\S+))?\\s+").matcher(arguments);
            int end = 0;
            while (m.find(end) && m.start() == end) {
                flags.put(m.group(1), m.group(2) == null ? "" : m.group(2));
                end = m.end();
            }
            return flags;
        }

        /** The arguments after the flags. */
        String operands() {
            return arguments.replaceFirst("^(--[a-z-]+(=\\S+)?\\s+)*", "");
        }

        /** The operands as a JSON array (exec form), or null when they are not one. */
        List<String> execForm() {
            return parseJsonArray(operands());
        }
    }

    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? null : found.get(found.size() - 1);
        }

        /** ENV instructions of the stage as a map (the {@code key=value ...} form). */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
            for (Instruction i : all("ENV")) {
                Matcher m = pair.matcher(i.arguments());
                while (m.find()) {
                    String value = m.group(2);
                    if (value.startsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    env.put(m.group(1), value);
                }
            }
            return env;
        }

        /** LABEL instructions of the stage as a map. */
        Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            Pattern pair = Pattern.compile("([A-Za-z0-9_.-]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
            for (Instruction i : all("LABEL")) {
                Matcher m = pair.matcher(i.arguments());
                while (m.find()) {
                    String value = m.group(2);
                    labels.put(m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
                }
            }
            return labels;
        }
    }

    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named " + name));
    }

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder pending = null;
        int startLine = 0;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (pending == null && trimmed.isEmpty())) {
                continue; // comments (and parser directives), also between continued lines
            }
            // as the builder does: the backslash and the line break go, the next line's indentation stays
            String raw = line.stripTrailing();
            boolean continues = raw.endsWith("\\");
            String part = continues ? raw.substring(0, raw.length() - 1) : raw;
            if (pending == null) {
                pending = new StringBuilder(part.stripLeading());
                startLine = n + 1;
            } else {
                pending.append(part);
            }
            if (continues) {
                continue;
            }
            String full = pending.toString().strip();
            pending = null;
            String[] split = full.split("\\s+", 2);
            String keyword = split[0].toUpperCase(Locale.ROOT);
            String arguments = split.length < 2 ? "" : split[1].strip();
            Instruction instruction = new Instruction(keyword, arguments, startLine);
            if (keyword.equals("FROM")) {
                Matcher m = Pattern.compile("(?i)(?:--\\S+\\s+)*(\\S+)(?:\\s+AS\\s+(\\S+))?").matcher(arguments);
                if (!m.matches()) {
                    throw new IllegalArgumentException("line " + startLine + ": bad FROM " + arguments);
                }
                current = new ArrayList<>();
                stages.add(new Stage(m.group(1), m.group(2), current));
            } else if (current == null) {
                if (!keyword.equals("ARG")) {
                    throw new IllegalArgumentException("line " + startLine + ": " + keyword + " before FROM");
                }
            } else {
                current.add(instruction);
            }
        }
        return new Dockerfile(List.copyOf(stages));
    }

    static List<String> parseJsonArray(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("[")) {
            return null;
        }
        return JSON.readValue(trimmed, new TypeReference<List<String>>() {
        });
    }
}
