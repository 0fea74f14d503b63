package io.stethostream.training.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {

    private static BufferedImage readPng(Path png, int minBytes) throws IOException {
        assertTrue(Files.size(png) > minBytes, png + " has " + Files.size(png) + " bytes");
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO reads " + png);
        return img;
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    @Test
    void learningCurvesWithAndWithoutValidation(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("curves/learning-curves.png");
        Plots.learningCurves(RunReportTest.run(), png);
        BufferedImage img = readPng(png, 10_000);
        assertEquals(1000, img.getWidth());
        assertEquals(720, img.getHeight());
        assertTrue(colours(img) > 20, "lines, text and legend drawn");

        List<EpochRecord> testOnly = RunReportTest.run().stream().map(e -> new EpochRecord(e.epoch(), e.trainLoss(),
                e.learningRate(), e.seconds(), e.samplesPerSecond(), null, e.test())).toList();
        Path png2 = dir.resolve("test-only.png");
        Plots.learningCurves(testOnly, png2);
        readPng(png2, 10_000);
        Plots.learningCurves(List.of(), dir.resolve("empty.png"));
        readPng(dir.resolve("empty.png"), 1_000);
    }

    @Test
    void confusionMatrixHeatMap(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("confusion.png");
        Plots.confusionMatrix(IcbhiScoresTest.example(), "test, epoch 3", png);
        BufferedImage img = readPng(png, 10_000);
        assertEquals(720, img.getWidth());
        assertEquals(640, img.getHeight());
        assertTrue(colours(img) > 20);
        // The normal/normal cell (83 % of its row) is dark blue, the normal/both cell (3 %) nearly white: sample a
        // point of each, in the upper left and upper right of the plot area, away from the text in the middle.
        int darkest = 255;
        int lightest = 0;
        for (int x = 0; x < img.getWidth(); x += 4) {
            int rgb = img.getRGB(x, img.getHeight() / 4);
            int red = (rgb >> 16) & 0xff;
            darkest = Math.min(darkest, red);
            lightest = Math.max(lightest, red);
        }
        assertTrue(darkest < 80 && lightest > 240, darkest + " / " + lightest);
        Plots.confusionMatrix(new ConfusionMatrix(), "empty", dir.resolve("empty.png"));
        readPng(dir.resolve("empty.png"), 2_000);
    }
}
