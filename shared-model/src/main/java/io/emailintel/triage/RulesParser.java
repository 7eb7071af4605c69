package io.emailintel.triage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads rules from the YAML tree (lists and maps, as SnakeYAML loads them) and collects every problem, each naming
 * the rule and the field and saying what was expected. Unknown keys are problems: a misspelt {@code form:} must
 * not turn a rule into one that matches every e-mail.
 */
public final class RulesParser {

    private static final Set<String> RULE_KEYS = Set.of("name", "match", "author", "tlp", "labels", "report_types",
            "skip");
    private static final Set<String> ACTION_KEYS = Set.of("author", "tlp", "labels", "report_types", "skip");
    private static final Set<String> MATCH_KEYS = Set.of("from", "original_from", "to", "subject", "header",
            "attachment_types", "source");
    private static final Set<String> AUTHOR_KEYS = Set.of("name", "description", "sectors");

    private final List<String> problems = new ArrayList<>();

    private RulesParser() {
    }

    /** The rules, or the problems (rule by rule) when there are any. */
    public static Rules parse(Object tree) throws RulesException {
        RulesParser p = new RulesParser();
        Rules rules = p.rules(tree);
        if (!p.problems.isEmpty()) {
            throw new RulesException(p.problems);
        }
        return rules;
    }

    private Rules rules(Object tree) {
        if (tree == null) {
            return Rules.none();
        }
        if (tree instanceof Map<?, ?> map && map.containsKey("rules") && map.size() == 1) {
            tree = map.get("rules"); // a rules file may hold "rules: [...]" as well as the bare list
            if (tree == null) {
                return Rules.none();
            }
        }
        if (!(tree instanceof List<?> list)) {
            problems.add("expected a list of rules (each with a name, a match and actions)");
            return Rules.none();
        }
        List<Rule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String where = "rule " + (i + 1);
            if (!(item instanceof Map<?, ?> m)) {
                problems.add(where + ": expected a mapping with name, match and actions");
                continue;
            }
            Object name = m.get("name");
            if (!(name instanceof String n) || n.isBlank()) {
                problems.add(where + ": name: expected a non-empty string");
            } else {
                where = where + " (" + n.strip() + ")";
                if (!names.add(n.strip().toLowerCase(Locale.ROOT))) {
                    problems.add(where + ": name: expected a name no other rule has");
                }
            }
            unknownKeys(where, m, RULE_KEYS);
            RuleMatch match = match(where, m.get("match"));
            RuleActions actions = actions(where, m);
            if (actions.isEmpty() && m.keySet().stream().noneMatch(k -> ACTION_KEYS.contains(String.valueOf(k)))) {
                problems.add(where + ": expected at least one action (author, tlp, labels, report_types, skip)");
            }
            if (Boolean.TRUE.equals(actions.skip()) && (actions.author() != null || actions.tlp() != null
                    || actions.labels() != null || actions.reportTypes() != null)) {
                problems.add(where + ": skip: true leaves no report to shape; expected skip alone");
            }
            if (match != null && name instanceof String n && !n.isBlank()) {
                out.add(new Rule(n.strip(), match, actions));
            }
        }
        return new Rules(out);
    }

    private RuleMatch match(String where, Object value) {
        if (value == null) {
            return new RuleMatch(List.of(), List.of(), List.of(), null, Map.of(), List.of());
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(where + ": match: expected a mapping of from, original_from, to, subject, header, "
                    + "attachment_types, source");
            return null;
        }
        unknownKeys(where + ": match", m, MATCH_KEYS);
        Pattern subject = null;
        if (m.get("subject") != null) {
            subject = regex(where + ": match.subject", m.get("subject"));
        }
        Map<String, Pattern> headers = new LinkedHashMap<>();
        Object h = m.get("header");
        if (h != null) {
            if (h instanceof Map<?, ?> hm && !hm.isEmpty()) {
                hm.forEach((k, v) -> {
                    Pattern p = regex(where + ": match.header." + k, v);
                    if (p != null) {
                        headers.put(String.valueOf(k).strip(), p);
                    }
                });
            } else {
                problems.add(where + ": match.header: expected a mapping of header name to regular expression, "
                        + "e.g. {List-Id: \"alerts\\\\.example\\\\.org\"}");
            }
        }
        return new RuleMatch(globs(where + ": match.from", m.get("from")),
                globs(where + ": match.original_from", m.get("original_from")),
                globs(where + ": match.to", m.get("to")), subject, headers,
                globs(where + ": match.attachment_types", m.get("attachment_types")),
                globs(where + ": match.source", m.get("source")));
    }

    private RuleActions actions(String where, Map<?, ?> m) {
        Author author = null;
        Object a = m.get("author");
        if (a instanceof String name && !name.isBlank()) {
            author = new Author(name, "", List.of());
        } else if (a instanceof Map<?, ?> am) {
            unknownKeys(where + ": author", am, AUTHOR_KEYS);
            Object name = am.get("name");
            if (!(name instanceof String n) || n.isBlank()) {
                problems.add(where + ": author.name: expected a non-empty string");
            } else {
                Object d = am.get("description");
                author = new Author(n, d == null ? "" : String.valueOf(d),
                        strings(where + ": author.sectors", am.get("sectors")));
            }
        } else if (a != null) {
            problems.add(where + ": author: expected an organisation name or a mapping with name, description, "
                    + "sectors");
        }
        String tlp = null;
        Object t = m.get("tlp");
        if (t != null) {
            String level = String.valueOf(t).strip().toLowerCase(Locale.ROOT).replaceFirst("^tlp\\s*:\\s*", "");
            if (level.equals("amber_strict")) {
                level = "amber+strict";
            }
            if (Rules.TLP_LEVELS.contains(level)) {
                tlp = level;
            } else {
                problems.add(where + ": tlp: expected one of " + String.join(", ", Rules.TLP_LEVELS) + ", got '" + t
                        + "'");
            }
        }
        List<String> labels = m.containsKey("labels") ? strings(where + ": labels", m.get("labels")) : null;
        List<String> types = m.containsKey("report_types") ? strings(where + ": report_types", m.get("report_types"))
                : null;
        if (types != null && types.isEmpty()) {
            problems.add(where + ": report_types: expected at least one report type");
            types = null;
        }
        Boolean skip = null;
        Object s = m.get("skip");
        if (s instanceof Boolean b) {
            skip = b;
        } else if (s != null) {
            problems.add(where + ": skip: expected true or false, got '" + s + "'");
        }
        return new RuleActions(author, tlp, labels, types, skip);
    }

    private Pattern regex(String where, Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            problems.add(where + ": expected a regular expression (Java syntax)");
            return null;
        }
        try {
            return Pattern.compile(s, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            problems.add(where + ": expected a regular expression (Java syntax): " + e.getDescription() + " near index "
                    + e.getIndex() + " of '" + s + "'");
            return null;
        }
    }

    private List<Glob> globs(String where, Object value) {
        return strings(where, value).stream().map(Glob::of).toList();
    }

    private List<String> strings(String where, Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        List<String> out = new ArrayList<>();
        for (Object o : items) {
            if (o instanceof String s && !s.isBlank()) {
                out.add(s.strip());
            } else {
                problems.add(where + ": expected a string or a list of strings, got '" + o + "'");
            }
        }
        return out;
    }

    private void unknownKeys(String where, Map<?, ?> m, Set<String> allowed) {
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                problems.add(where + ": unknown key '" + k + "', expected one of " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }
}
