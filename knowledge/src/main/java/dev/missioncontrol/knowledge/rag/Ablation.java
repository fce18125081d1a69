package dev.missioncontrol.knowledge.rag;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parts of answering that {@code eval --without PART[,…]} switches off, so each one's effect is measured alone:
 * {@value #GLOSSARY} (everyday words in retrieval), {@value #SCOPE} (refusing what the knowledge never mentions),
 * {@value #GLOSSARY_EVIDENCE} (an everyday word counting as found where the handbook's word for it is) and
 * {@value #VOCABULARY} (a question's word the knowledge never uses left out of the confidence). Read from the system
 * property {@value #PROPERTY}; nothing is switched off in normal use.
 */
public final class Ablation {
    public static final String PROPERTY = "missioncontrol.without";
    public static final String GLOSSARY = "glossary";
    public static final String SCOPE = "scope";
    public static final String GLOSSARY_EVIDENCE = "glossary-evidence";
    public static final String VOCABULARY = "vocabulary";
    public static final Set<String> PARTS = Set.of(GLOSSARY, SCOPE, GLOSSARY_EVIDENCE, VOCABULARY);

    private Ablation() {}

    /** Whether a part is switched off. */
    public static boolean without(String part) {
        return parts().contains(part);
    }

    static Set<String> parts() {
        String v = System.getProperty(PROPERTY, "");
        return Arrays.stream(v.split(","))
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }
}
