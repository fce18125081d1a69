package dev.missioncontrol.knowledge.index;

import dev.missioncontrol.models.text.Terms;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;

/**
 * The glossary of everyday words and the handbook's terms for them ({@code glossary/everyday-terms.txt}, Solr
 * synonym format), applied to questions at query time through Lucene's synonym graph: "fuel" also searches
 * "propellant" and "hydrazine". The index itself is analysed as before, so the glossary can change without a rebuild.
 */
public final class Glossary {
    static final String RESOURCE = "glossary/everyday-terms.txt";

    private Glossary() {}

    /**
     * The analyzer for questions: {@link EnglishAnalyzer}'s chain (the one the index was built with) with the
     * glossary's synonyms inserted after lower-casing, before stop words and stemming.
     */
    static Analyzer queryAnalyzer() {
        SynonymMap map = load();
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer source = new StandardTokenizer();
                TokenStream t = new EnglishPossessiveFilter(source);
                t = new LowerCaseFilter(t);
                t = new SynonymGraphFilter(t, map, true);
                t = new StopFilter(t, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                t = new PorterStemFilter(t);
                return new TokenStreamComponents(source, t);
            }
        };
    }

    /** The glossary file, read once; its lines of entries; and what is derived from them, made once. */
    private static final class Loaded {
        static final String TEXT = read();
        static final List<List<String>> LINES = TEXT.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> Arrays.stream(l.split(",")).map(String::strip).toList())
                .toList();
        static final Set<String> WORDS = words(LINES);
        static final Map<String, List<Set<String>>> ALTERNATIVES = alternatives(LINES);
    }

    /**
     * The glossary in the space of {@link Terms#of}: for each one-word entry, the other entries of its line, each as
     * the set of its terms ("fuel" → {"propellant"}, {"hydrazine"}; "satnav" → {"gnss", "receiver"}, {"gnss"}). For
     * lexical evidence: a question's everyday word counts as found in a passage that holds every term of one of them.
     */
    public static Map<String, List<Set<String>>> termAlternatives() {
        return Loaded.ALTERNATIVES;
    }

    /** Every single word of the glossary's entries, lower-cased. */
    public static Set<String> words() {
        return Loaded.WORDS;
    }

    private static Map<String, List<Set<String>>> alternatives(List<List<String>> lines) {
        Map<String, List<Set<String>>> alt = new HashMap<>();
        for (List<String> line : lines) {
            List<Set<String>> entries =
                    line.stream().map(Terms::of).filter(t -> !t.isEmpty()).toList();
            for (Set<String> entry : entries) {
                if (entry.size() != 1) {
                    continue; // "power box" says nothing about "power" alone
                }
                for (Set<String> other : entries) {
                    if (!other.equals(entry)) {
                        alt.computeIfAbsent(entry.iterator().next(), k -> new ArrayList<>())
                                .add(Set.copyOf(other));
                    }
                }
            }
        }
        alt.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(alt);
    }

    private static Set<String> words(List<List<String>> lines) {
        Set<String> words = new HashSet<>();
        for (List<String> line : lines) {
            for (String entry : line) {
                for (String w : entry.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}-]+")) {
                    if (!w.isEmpty()) {
                        words.add(w);
                    }
                }
            }
        }
        return Set.copyOf(words);
    }

    private static String read() {
        try (InputStream in = Glossary.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The glossary " + RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SynonymMap load() {
        try {
            // Entries are only lower-cased and split into words here; stemming happens after the synonym graph.
            Analyzer words = new Analyzer() {
                @Override
                protected TokenStreamComponents createComponents(String field) {
                    Tokenizer source = new StandardTokenizer();
                    return new TokenStreamComponents(source, new LowerCaseFilter(source));
                }
            };
            try (words) {
                SolrSynonymParser parser = new SolrSynonymParser(true, true, words);
                parser.parse(new StringReader(Loaded.TEXT));
                return parser.build();
            }
        } catch (ParseException e) {
            throw new IllegalStateException(
                    "The glossary " + RESOURCE + " has a bad line near " + e.getErrorOffset() + ": " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
