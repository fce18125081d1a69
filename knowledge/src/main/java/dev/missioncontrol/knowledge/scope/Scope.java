package dev.missioncontrol.knowledge.scope;

import dev.missioncontrol.models.generate.Passage;
import dev.missioncontrol.models.text.Terms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a knowledge base covers, for the refusal decision: a question that names something the knowledge never
 * mentions (another spacecraft, an instrument, an organisation), or asks for a kind of answer no retrieved passage
 * holds (a date, a cost, a maker, a head count), is not covered, whatever the passages' similarity says. Retrieval
 * always finds the closest passages; only this tells "close" from "about the question".
 *
 * <p>Built from the text of every passage and heading, so an ingested document widens it. Immutable and thread-safe.
 */
public final class Scope {
    /** A word: letters, digits, underscores, inner hyphens and apostrophes (a quote around it is not part of it). */
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N}_'’-]*[\\p{L}\\p{N}_])?");
    /** What ends a sentence or opens a new clause, after which a capital letter says nothing. */
    private static final Pattern CLAUSE_BREAK = Pattern.compile("(?s).*([.?!:;]\\s+|\\n|[—–(\"“”‘'\\[]\\s*|-\\s+)");
    /** A reading with its unit (26V, 6A, 2Mbps): not a name. */
    private static final Pattern READING = Pattern.compile("[+-]?\\d+(?:[.,]\\d+)?\\p{L}{0,5}");
    /** A designation such as KESTREL-1 or MSI-4: what the knowledge is about is the most frequent one. */
    private static final Pattern DESIGNATION = Pattern.compile("\\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+\\b");
    /** Capitalised words that name no thing a question could be about. */
    private static final Set<String> NOT_NAMES = Set.of(
            "i",
            "i'm",
            "i've",
            "i'd",
            "ok",
            "okay",
            "hi",
            "hello",
            "hey",
            "thanks",
            "please",
            "english",
            "utc",
            "gmt",
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            // Generic acronyms of everyday technical speech, not names of things.
            "ram",
            "rom",
            "cpu",
            "gpu",
            "usb",
            "led",
            "pc",
            "os",
            "it",
            "eta",
            "asap",
            "fyi",
            "tv",
            "ac",
            "dc",
            "rf",
            "uv",
            "ir",
            "hw",
            "sw",
            "id",
            "pdf",
            "faq",
            // Question words and pronouns, capitalised after a greeting or a dash.
            "what",
            "what's",
            "whats",
            "why",
            "who",
            "how",
            "how's",
            "when",
            "where",
            "which",
            "whose",
            "is",
            "are",
            "can",
            "could",
            "should",
            "would",
            "will",
            "do",
            "does",
            "did",
            "we",
            "you",
            "my",
            "our",
            "your",
            "i'll",
            "it's",
            "the",
            "a",
            "an",
            "if",
            "and",
            "or",
            "but",
            "so",
            "also",
            "now",
            "then",
            "quick",
            "question",
            "urgent",
            "help",
            "sorry",
            "am",
            "pm");

    /** Things other spacecraft have ({@code glossary/space-things.txt}), each as its folded words. */
    private static final List<List<String>> THINGS = things();

    private final Set<String> words;
    private final Set<String> terms;
    private final Set<List<String>> unmentionedThings;
    private final String subject;

    private Scope(Set<String> words, Set<String> terms, Set<List<String>> unmentionedThings, String subject) {
        this.words = words;
        this.terms = terms;
        this.unmentionedThings = unmentionedThings;
        this.subject = subject;
    }

    /**
     * The scope of these texts (passages and their headings).
     *
     * @param alsoKnown words that count as mentioned though the texts do not hold them (a glossary's everyday words)
     */
    public static Scope of(List<String> texts, Set<String> alsoKnown) {
        Set<String> words = new HashSet<>();
        Set<String> terms = new HashSet<>();
        Set<List<String>> unmentioned = new HashSet<>(THINGS);
        Map<String, Integer> designations = new HashMap<>();
        alsoKnown.forEach(w -> words.add(w.toLowerCase(Locale.ROOT)));
        for (String t : texts) {
            terms.addAll(Terms.of(t));
            if (!unmentioned.isEmpty()) {
                unmentioned.removeIf(contained(folded(t)));
            }
            Matcher m = TOKEN.matcher(t);
            while (m.find()) {
                String w = m.group().toLowerCase(Locale.ROOT);
                words.add(w);
                for (String part : w.split("[-_'’]")) {
                    words.add(part);
                }
            }
            Matcher d = DESIGNATION.matcher(t);
            while (d.find()) {
                designations.merge(d.group(), 1, Integer::sum);
            }
        }
        String subject = designations.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse("its documents");
        return new Scope(Set.copyOf(words), Set.copyOf(terms), Set.copyOf(unmentioned), subject);
    }

    /** Whether the texts use this term ({@link Terms#of}'s form of a word) anywhere. */
    public boolean uses(String term) {
        return terms.contains(term);
    }

    /** What the knowledge is about, as it names it most often (for KESTREL-1's handbook, "KESTREL-1"). */
    public String subject() {
        return subject;
    }

    /**
     * Why the question is not covered, or empty when nothing says so: for example "the handbook covers KESTREL-1; it
     * does not mention Juno".
     *
     * @param passages what retrieval found for the question, best first
     */
    public Optional<String> notCovered(String question, List<Passage> passages) {
        Optional<String> name = unknownName(question);
        if (name.isPresent()) {
            return Optional.of("the handbook covers " + subject + "; it does not mention " + name.get());
        }
        Optional<String> thing = unmentionedThing(question);
        if (thing.isPresent()) {
            return Optional.of("the handbook covers " + subject + "; it does not mention \"" + thing.get() + "\"");
        }
        return AnswerKind.of(question)
                .filter(kind -> passages.stream().limit(3).noneMatch(p -> kind.heldBy(p.text())))
                .map(kind -> "the question asks for " + kind.what() + ", and no passage about it gives one");
    }

    /**
     * The first name in the question that the knowledge never mentions: a capitalised word not opening a sentence,
     * an acronym, or a designation with digits; adjacent unknown names are one name ("James Webb").
     */
    Optional<String> unknownName(String question) {
        // A question typed in capitals names things only by designations ("GOES-16"), not by its capitals.
        long letters = question.chars().filter(Character::isLetter).count();
        boolean shouting =
                letters > 0 && question.chars().filter(Character::isUpperCase).count() > letters * 0.6;
        List<String> name = new ArrayList<>();
        boolean sentenceStart = true;
        Matcher m = TOKEN.matcher(question);
        int lastEnd = 0;
        while (m.find()) {
            String gap = question.substring(lastEnd, m.start());
            if (CLAUSE_BREAK.matcher(gap).matches()) {
                sentenceStart = true;
            }
            lastEnd = m.end();
            String token = m.group().replaceFirst("['’]s$", "");
            boolean candidate = shouting
                    ? token.chars().anyMatch(Character::isDigit) && isName(token, sentenceStart)
                    : isName(token, sentenceStart);
            sentenceStart = false;
            if (candidate && !known(token)) {
                name.add(token);
            } else if (!name.isEmpty()) {
                break;
            }
        }
        return name.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", name));
    }

    /**
     * The first thing of {@code glossary/space-things.txt} (a rover, an airlock, a solar sail) that the question asks
     * about and the knowledge never mentions, as the question writes it.
     */
    Optional<String> unmentionedThing(String question) {
        List<String> q = folded(question);
        List<List<String>> found = unmentionedThings.stream()
                .filter(contained(q))
                .sorted(java.util.Comparator.comparingInt(t -> indexOf(q, t)))
                .toList();
        return found.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", found.getFirst()));
    }

    /** Lower-cased words of a text, hyphens and apostrophes splitting them, plurals folded ("Rovers'" → "rover"). */
    static List<String> folded(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(Terms.stem(w));
            }
        }
        return out;
    }

    private static java.util.function.Predicate<List<String>> contained(List<String> words) {
        return thing -> indexOf(words, thing) >= 0;
    }

    private static int indexOf(List<String> words, List<String> thing) {
        return java.util.Collections.indexOfSubList(words, thing);
    }

    private static List<List<String>> things() {
        try (var in = Scope.class.getClassLoader().getResourceAsStream("glossary/space-things.txt")) {
            if (in == null) {
                throw new IllegalStateException("glossary/space-things.txt is missing from the build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(Scope::folded)
                    .distinct()
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isName(String token, boolean sentenceStart) {
        if (token.length() < 2
                || NOT_NAMES.contains(token.toLowerCase(Locale.ROOT))
                || READING.matcher(token).matches()) {
            return false;
        }
        long upper = token.chars().filter(Character::isUpperCase).count();
        boolean digit = token.chars().anyMatch(Character::isDigit);
        boolean letter = token.chars().anyMatch(Character::isLetter);
        if (upper >= 2 || (upper >= 1 && digit && letter)) {
            return true; // ISS, JWST, GOES-16, Sentinel-2A: a name wherever it stands
        }
        return !sentenceStart && Character.isUpperCase(token.charAt(0));
    }

    private boolean known(String token) {
        String w = token.toLowerCase(Locale.ROOT);
        if (words.contains(w) || words.contains(w + "s")) {
            return true;
        }
        // A plural written with a small s after a stem ("OBCs", "heaters"); not an acronym ending in S ("ISS").
        if (token.length() > 3 && token.endsWith("s") && words.contains(w.substring(0, w.length() - 1))) {
            return true;
        }
        // A designation the knowledge writes with a hyphen ("MSI-4" asked as "MSI4") is still known.
        if (words.contains(w.replaceAll("(?<=\\p{L})(?=\\p{N})", "-"))) {
            return true;
        }
        // A compound of known words ("NOMINAL-to-SAFE", "Earth-pointing"); a designation with a number ("GOES-16") is
        // one name, not the words "goes" and "16".
        String[] parts = w.split("[-_'’/]");
        boolean designation = java.util.Arrays.stream(parts)
                .anyMatch(p -> !p.isEmpty() && p.chars().allMatch(Character::isDigit));
        return parts.length > 1
                && !designation
                && java.util.Arrays.stream(parts).allMatch(p -> p.isEmpty() || words.contains(p));
    }

    /** A kind of answer a question asks for, and what a passage holding one looks like. */
    enum AnswerKind {
        DATE(
                "a date",
                "\\b(when (was|were|did)|what (year|date)|which year|in what year|how old|launch date|since when)\\b",
                "\\b(1[89]|20)\\d{2}\\b|\\b(january|february|march|april|june|july|august|september|october|november"
                        + "|december)\\b"),
        COST(
                "a cost",
                "\\b(price|priced|paid|pay for|dollars?|euros?|insur\\w+|how much money)\\b|^(?!.*\\b(power|propellant"
                        + "|fuel|energy|time|margin|watts?|delta-v|data|bandwidth|memory|minutes?|seconds?"
                        + "|hours?|kg)\\b).*\\bcost(s|ed|ing)?\\b",
                "[$€£]|\\b(usd|eur|gbp|dollars?|euros?|pounds sterling|million|billion)\\b"),
        MAKER(
                "who made or supplies something",
                "\\b(who (builds|built|makes|made|designs|designed|manufactures|manufactured|supplies|supplied|develops"
                        + "|developed|funds|funded)|which (company|companies|contractor|manufacturer|vendor"
                        + "|supplier|firm|agency|university)|manufacturer|supplier|vendor|contractor|made by|built by"
                        + "|designed by)\\b",
                "\\b(built|made|manufactured|supplied|developed|designed|provided|owned|funded) by\\b|\\b(inc|ltd"
                        + "|gmbh|corporation|company|agency)\\b"),
        PLACE(
                "a place",
                "\\bwhere (was|were|is|are) ([\\w-]+|the \\w+( \\w+)?) (launched|built|made|assembled"
                        + "|integrated|tested|manufactured|designed)\\b|\\blaunch site\\b|\\bwhich (city|country|site)\\b",
                "\\b(launched|built|made|assembled|integrated|tested|manufactured|designed) (from|in|at)\\b|\\blaunch site\\b"),
        HEADCOUNT(
                "a number of people",
                "\\bhow many (people|persons|engineers|staff|operators|controllers|employees|workers|scientists"
                        + "|members|astronauts|crew)\\b|\\b(team size|headcount|head count|salary|salaries|wages?)\\b",
                "\\b(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)[\\s-]+(\\w+\\s+)?(people|persons?"
                        + "|engineers?|staff|operators?|controllers?|employees|members|shifts?)\\b|\\btwo-person\\b");

        private final String what;
        private final Pattern asks;
        private final Pattern holds;

        AnswerKind(String what, String asks, String holds) {
            this.what = what;
            this.asks = Pattern.compile(asks, Pattern.CASE_INSENSITIVE);
            this.holds = Pattern.compile(holds, Pattern.CASE_INSENSITIVE);
        }

        static Optional<AnswerKind> of(String question) {
            for (AnswerKind k : values()) {
                if (k.asks.matcher(question).find()) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }

        String what() {
            return what;
        }

        boolean heldBy(String text) {
            return holds.matcher(text).find();
        }
    }
}
