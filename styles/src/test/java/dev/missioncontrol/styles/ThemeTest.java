package dev.missioncontrol.styles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ThemeTest {
    @Test
    void bothPalettesDefineTheSameTokens() {
        assertThat(Theme.LIGHT.tokens().keySet()).isEqualTo(Theme.DARK.tokens().keySet());
        assertThat(Theme.DARK.tokens())
                .containsKeys("-mc-critical", "-mc-serious", "-mc-caution", "-mc-normal", "-mc-standby", "-mc-off");
    }

    @Test
    void darkStatusColoursAreTheStatusScale() {
        assertThat(Theme.DARK.color("-mc-critical")).isEqualTo("#ff3838");
        assertThat(Theme.DARK.color("-mc-normal")).isEqualTo("#56f000");
        assertThatThrownBy(() -> Theme.DARK.color("-mc-nope")).hasMessageContaining("-mc-nope");
    }

    @Test
    void consoleStylesheetUsesOnlyTokensNoLiteralColours() throws IOException {
        String css;
        try (InputStream in = Theme.class.getResourceAsStream("console.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(Pattern.compile("#[0-9a-fA-F]{3,8}\\b").matcher(css).find()).isFalse();
        Matcher used = Pattern.compile("-mc-[a-z0-9-]+").matcher(css);
        while (used.find()) {
            assertThat(Theme.DARK.tokens()).as("token %s", used.group()).containsKey(used.group());
        }
    }

    @Test
    void namedFallsBackToDark() {
        assertThat(Theme.named("Light")).isEqualTo(Theme.LIGHT);
        assertThat(Theme.named(null)).isEqualTo(Theme.DARK);
        assertThat(Theme.DARK.next()).isEqualTo(Theme.LIGHT);
    }
}
