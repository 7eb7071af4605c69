package io.emailintel.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a Dockerfile parser to check who a built image runs as and what it is built from: the build
 * arguments declared before the first FROM (with their defaults), stages with their base, their instructions
 * (continuation lines joined, comments dropped), and which stages are final (no other stage builds on them
 * or copies from them).
 */
final class Dockerfile {

    record Instruction(String keyword, String arguments) {
    }

    record Stage(String name, String base, List<Instruction> instructions) {
    }

    private static final Pattern FROM = Pattern.compile("(?i)^(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?$");
    private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)");
    private static final Pattern ARG = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:=(\\S*))?");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    private final Map<String, String> globalArgs;
    private final Map<String, Stage> stages;

    private Dockerfile(Map<String, String> globalArgs, Map<String, Stage> stages) {
        this.globalArgs = globalArgs;
        this.stages = stages;
    }

    static Dockerfile parse(String text) {
        Map<String, String> globalArgs = new LinkedHashMap<>();
        Map<String, Stage> stages = new LinkedHashMap<>();
        Stage current = null;
        for (String line : logicalLines(text)) {
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : line.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                Matcher m = FROM.matcher(args);
                if (!m.matches()) {
                    throw new IllegalArgumentException("cannot read FROM " + args);
                }
                String name = m.group(2) == null ? String.valueOf(stages.size()) : m.group(2).toLowerCase(Locale.ROOT);
                current = new Stage(name, m.group(1), new ArrayList<>());
                stages.put(name, current);
            } else if (current != null) {
                current.instructions().add(new Instruction(keyword, args));
            } else if (keyword.equals("ARG")) {
                // before the first FROM: the arguments FROM lines may use (docker build --build-arg NAME=…)
                Matcher m = ARG.matcher(args);
                if (!m.matches()) {
                    throw new IllegalArgumentException("cannot read ARG " + args);
                }
                globalArgs.put(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
        }
        return new Dockerfile(globalArgs, stages);
    }

    /** The build arguments declared before the first FROM, with their defaults ("" when none). */
    Map<String, String> globalArgs() {
        return globalArgs;
    }

    /** The stage's base as written, e.g. {@code ${JRE_IMAGE}} or {@code runtime}. */
    String base(String stageName) {
        Stage s = stages.get(stageName);
        if (s == null) {
            throw new IllegalArgumentException("no stage " + stageName);
        }
        return s.base();
    }

    /** The stage's base with the given build arguments, the declared defaults for the others. */
    String resolvedBase(String stageName, Map<String, String> buildArgs) {
        Matcher m = VARIABLE.matcher(base(stageName));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!globalArgs.containsKey(name)) {
                throw new IllegalArgumentException("FROM uses " + name + ", which no ARG before the first FROM declares");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(buildArgs.getOrDefault(name, globalArgs.get(name))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The stage's own instructions (not its base stages'). */
    List<Instruction> instructions(String stageName) {
        base(stageName);
        return stages.get(stageName).instructions();
    }

    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty() && pending.length() == 0) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            lines.add(pending.toString().strip().replaceAll("\\s+", " "));
            pending.setLength(0);
        }
        if (pending.length() > 0) {
            lines.add(pending.toString().strip().replaceAll("\\s+", " "));
        }
        return lines;
    }

    /** Stages no other stage builds on or copies from: the images one can build with --target. */
    List<String> finalStages() {
        List<String> used = new ArrayList<>();
        for (Stage s : stages.values()) {
            used.add(s.base().toLowerCase(Locale.ROOT));
            for (Instruction i : s.instructions()) {
                Matcher m = COPY_FROM.matcher(i.arguments());
                if (m.find()) {
                    used.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return stages.keySet().stream().filter(name -> !used.contains(name)).toList();
    }

    /** The instructions that make up a stage's image, its base stages' first. */
    List<Instruction> effectiveInstructions(String stageName) {
        List<Stage> chain = new ArrayList<>();
        for (Stage s = stages.get(stageName); s != null; s = stages.get(s.base().toLowerCase(Locale.ROOT))) {
            chain.add(0, s);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no stage " + stageName);
        }
        List<Instruction> all = new ArrayList<>();
        chain.forEach(s -> all.addAll(s.instructions()));
        return all;
    }

    /**
     * Why the stage's image may run as root, or nothing: it must switch to a numeric, non-zero user (and
     * group, if given), and no later USER may go back to root or to a user name the runtime cannot check.
     */
    List<String> rootProblems(String stageName) {
        List<String> problems = new ArrayList<>();
        boolean unprivileged = false;
        for (Instruction i : effectiveInstructions(stageName)) {
            if (!i.keyword().equals("USER")) {
                continue;
            }
            String[] parts = i.arguments().split(":", 2);
            boolean numeric = parts[0].matches("\\d+") && (parts.length == 1 || parts[1].matches("\\d+"));
            boolean root = parts[0].equals("root") || parts[0].matches("0+")
                    || parts.length == 2 && (parts[1].equals("root") || parts[1].matches("0+"));
            if (root) {
                problems.add("USER " + i.arguments() + " runs as root");
            } else if (!numeric) {
                problems.add("USER " + i.arguments() + " is not a numeric uid (runAsNonRoot cannot verify a name)");
            }
            unprivileged = !root && numeric;
        }
        if (!unprivileged && problems.isEmpty()) {
            problems.add("no USER instruction: the image runs as root");
        }
        return problems;
    }
}
