package io.emailintel.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContentSniffingTest {

    @Test
    void magicBytesMatchAtTheirOffsetOnly() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A};
        assertThat(ContentSniffing.startsWith(png, 0, 0x89, 'P', 'N', 'G')).isTrue();
        assertThat(ContentSniffing.startsWith(png, 1, 'P', 'N', 'G')).isTrue();
        assertThat(ContentSniffing.startsWith(png, 0, 'P', 'N', 'G')).isFalse();
        assertThat(ContentSniffing.startsWith(new byte[] {(byte) 0x89, 'P'}, 0, 0x89, 'P', 'N', 'G'))
                .as("shorter than the magic").isFalse();
    }

    @Test
    void textIsUtf8WithoutControlCharactersAndAMultiByteCharacterCutAtTheWindowIsForgiven() {
        assertThat(ContentSniffing.looksLikeText("IOC list\r\n\t1.2.3.4\f".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ContentSniffing.looksLikeText(new byte[0])).isFalse();
        assertThat(ContentSniffing.looksLikeText(new byte[] {'a', 0, 'b'})).isFalse();
        assertThat(ContentSniffing.looksLikeText(new byte[] {'a', (byte) 0xC3})).as("invalid UTF-8").isFalse();

        byte[] cut = new byte[5000];
        Arrays.fill(cut, (byte) 'a');
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        cut[4095] = e[0];
        cut[4096] = e[1];
        assertThat(ContentSniffing.looksLikeText(cut)).isTrue();
    }
}
