package dev.missioncontrol.knowledge.rag;

/**
 * What counts as a question an operator may ask, the same in the console, the CLI and the cluster: not empty, and at
 * most {@link #MAX_CHARS} characters (code points, as a person counts them: an emoji or a CJK character is one). The
 * models read 128–512 tokens; a pasted log is not a question.
 */
public final class Questions {
    public static final int MAX_CHARS = 2_000;

    private Questions() {}

    /** Characters as a person counts them. */
    public static int length(String question) {
        return question.codePointCount(0, question.length());
    }

    /** Why a question cannot be asked, or null when it can. */
    public static String problem(String question) {
        if (question == null || question.isBlank()) {
            return "The question is empty. Type a question about spacecraft operations.";
        }
        int n = length(question.strip());
        if (n > MAX_CHARS) {
            return String.format(
                    java.util.Locale.ROOT,
                    "The question has %,d characters; the limit is %,d. Ask about one thing at a time.",
                    n,
                    MAX_CHARS);
        }
        return null;
    }

    /**
     * Checks a question.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String require(String question) {
        String problem = problem(question);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return question.strip();
    }
}
