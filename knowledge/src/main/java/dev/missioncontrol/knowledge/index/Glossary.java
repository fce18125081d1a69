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

    /**
     * The glossary in the space of {@link Terms#of}: for each one-word entry, the other entries of its line, each as
     * the set of its terms ("fuel" → {"propellant"}, {"hydrazine"}; "satnav" → {"gnss", "receiver"}, {"gnss"}). For
     * lexical evidence: a question's everyday word counts as found in a passage that holds every term of one of them.
     */
    public static Map<String, List<Set<String>>> termAlternatives() {
        Map<String, List<Set<String>>> alt = new HashMap<>();
        for (String line : text().lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            List<Set<String>> entries = Arrays.stream(l.split(","))
                    .map(e -> Terms.of(e.strip()))
                    .filter(t -> !t.isEmpty())
                    .toList();
            for (Set<String> entry : entries) {
                if (entry.size() != 1) {
                    continue; // "power box" says nothing about "power" alone
                }
                for (Set<String> other : entries) {
                    if (other != entry && !other.equals(entry)) {
                        alt.computeIfAbsent(entry.iterator().next(), k -> new ArrayList<>())
                                .add(Set.copyOf(other));
                    }
                }
            }
        }
        alt.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(alt);
    }

    /** Every single word of the glossary's entries, lower-cased. */
    public static Set<String> words() {
        Set<String> words = new HashSet<>();
        for (String line : text().lines().toList()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                for (String w : l.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}-]+")) {
                    if (!w.isEmpty()) {
                        words.add(w);
                    }
                }
            }
        }
        return Set.copyOf(words);
    }

    private static String text() {
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
                parser.parse(new StringReader(text()));
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
