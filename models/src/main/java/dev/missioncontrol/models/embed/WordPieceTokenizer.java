package dev.missioncontrol.models.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT WordPiece tokenizer driven by a Hugging Face {@code tokenizer.json}: BERT normalisation (clean text, CJK
 * spacing, lower case, accent stripping), whitespace and punctuation pre-splitting, greedy longest-match WordPiece,
 * and the {@code [CLS] … [SEP]} template.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class WordPieceTokenizer {
    private static final int MAX_CHARS_PER_WORD = 100;

    private final Map<String, Integer> vocab;
    private final int clsId;
    private final int sepId;
    private final int unkId;

    private WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = Map.copyOf(vocab);
        this.clsId = require("[CLS]");
        this.sepId = require("[SEP]");
        this.unkId = require("[UNK]");
    }

    /** Reads the {@code model.vocab} object of a Hugging Face tokenizer JSON. */
    public static WordPieceTokenizer fromJson(InputStream json, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode vocabNode = root.path("model").path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new IOException(
                    "Tokenizer " + source + " has no model.vocab object; is it a WordPiece tokenizer.json?");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        vocabNode.properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        return new WordPieceTokenizer(vocab);
    }

    private int require(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("Tokenizer vocabulary lacks the special token " + token);
        }
        return id;
    }

    /**
     * Token ids including {@code [CLS]} and {@code [SEP]}, truncated to {@code maxTokens} in total.
     *
     * @return the ids; {@link Encoding#truncated()} tells whether text was cut off
     */
    public Encoding encode(String text, int maxTokens) {
        List<Integer> ids = new ArrayList<>();
        ids.add(clsId);
        int budget = maxTokens - 1;
        boolean truncated = false;
        outer:
        for (String word : preTokenize(normalize(text))) {
            for (int id : wordPiece(word)) {
                if (ids.size() >= budget) {
                    truncated = true;
                    break outer;
                }
                ids.add(id);
            }
        }
        ids.add(sepId);
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        return new Encoding(out, truncated);
    }

    /** Token ids of a text, with the template tokens, and whether the input had to be truncated. */
    public record Encoding(long[] ids, boolean truncated) {}

    static String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                continue;
            }
            if (isWhitespace(cp)) {
                sb.append(' ');
            } else if (isCjk(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        String lower = sb.toString().toLowerCase(java.util.Locale.ROOT);
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                stripped.appendCodePoint(cp);
            }
        }
        return stripped.toString();
    }

    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flush(current, words);
            } else if (isPunctuation(cp)) {
                flush(current, words);
                words.add(new String(Character.toChars(cp)));
            } else {
                current.appendCodePoint(cp);
            }
        }
        flush(current, words);
        return words;
    }

    private static void flush(StringBuilder current, List<String> words) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    private List<Integer> wordPiece(String word) {
        if (word.codePointCount(0, word.length()) > MAX_CHARS_PER_WORD) {
            return List.of(unkId);
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String sub = word.substring(start, end);
                if (start > 0) {
                    sub = "##" + sub;
                }
                found = vocab.get(sub);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                return List.of(unkId);
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' '
                || cp == '\t'
                || cp == '\n'
                || cp == '\r'
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
