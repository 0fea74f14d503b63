package io.stethostream.training.pretrain;

import io.stethostream.ingest.AtomicFiles;
import io.stethostream.training.model.AstConfig;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A PNG a person can judge pretraining by: for each of a few crops, three spectrograms one above the other (low
 * frequencies at the bottom, time to the right): the input, what the encoder saw (masked patches grey), and the
 * reconstruction (the visible patches as they were, the masked ones as the decoder predicted them, brought back to the
 * input's scale with each patch's own mean and spread).
 */
public final class ReconstructionFigure {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int LABEL = 18;
    private static final Color MASKED = new Color(0x9a9a9a);

    private ReconstructionFigure() {
    }

    /**
     * @param config     the encoder's grid
     * @param inputs     (B, T, F) model inputs
     * @param masking    the masks used
     * @param patches    (B, N, 256) raw patch values of the inputs
     * @param prediction (B, N, 256) the decoder's normalised predictions
     * @param targets    the target normaliser (for the per-patch statistics)
     */
    public static void write(AstConfig config, float[] inputs, PatchMasking masking, float[] patches,
                             float[] prediction, PatchTargets targets, String title, Path png) throws IOException {
        int batch = masking.batch();
        int t = config.frames();
        int f = config.melBins();
        int panel = f + LABEL;
        BufferedImage img = new BufferedImage(t, LABEL + batch * 3 * panel, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, 4, 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        float[] predicted = PatchTargets.denormalised(prediction, targets.statistics(patches));
        int k2 = AstConfig.PATCH * AstConfig.PATCH;
        int n = config.patches();
        for (int b = 0; b < batch; b++) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int i = 0; i < t * f; i++) {
                lo = Math.min(lo, inputs[b * t * f + i]);
                hi = Math.max(hi, inputs[b * t * f + i]);
            }
            float[][] views = new float[3][];
            views[0] = new float[t * f];
            System.arraycopy(inputs, b * t * f, views[0], 0, t * f);
            views[1] = new float[t * f];
            views[2] = new float[t * f];
            java.util.Arrays.fill(views[1], Float.NaN);
            java.util.Arrays.fill(views[2], Float.NaN);
            // masked patches first, visible ones over them, so overlapping patches show what the encoder saw
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < n; p++) {
                    boolean masked = masking.masked()[b][p];
                    if (masked != (pass == 0)) {
                        continue;
                    }
                    int o = (b * n + p) * k2;
                    paste(config, p, masked ? null : patches, o, views[1]);
                    paste(config, p, masked ? predicted : patches, o, views[2]);
                }
            }
            String[] names = {"input", "encoder input (masked patches grey)", "reconstruction"};
            for (int v = 0; v < 3; v++) {
                int y0 = LABEL + (b * 3 + v) * panel;
                g.setColor(Color.BLACK);
                g.drawString("crop " + (b + 1) + ": " + names[v], 4, y0 + 13);
                for (int x = 0; x < t; x++) {
                    for (int y = 0; y < f; y++) {
                        float val = views[v][x * f + y];
                        int rgb = Float.isNaN(val) ? MASKED.getRGB() : colour((val - lo) / Math.max(1e-6f, hi - lo));
                        img.setRGB(x, y0 + LABEL + (f - 1 - y), rgb);
                    }
                }
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        AtomicFiles.write(png, out.toByteArray());
    }

    /** Writes patch {@code p}'s 16 x 16 values (or NaN for grey when {@code values} is null) into a (T, F) image. */
    private static void paste(AstConfig config, int p, float[] values, int offset, float[] view) {
        int f = config.melBins();
        int f0 = (p / config.gridTime()) * config.stride();
        int t0 = (p % config.gridTime()) * config.stride();
        int k = AstConfig.PATCH;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                view[(t0 + j) * f + f0 + i] = values == null ? Float.NaN : values[offset + i * k + j];
            }
        }
    }

    /** A dark-blue to yellow ramp (perceptually ordered, readable in grey print). */
    private static int colour(float x) {
        float v = Math.max(0f, Math.min(1f, x));
        int[][] stops = {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64}, {240, 249, 33}};
        float pos = v * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) pos);
        float w = pos - i;
        int r = Math.round(stops[i][0] + w * (stops[i + 1][0] - stops[i][0]));
        int gr = Math.round(stops[i][1] + w * (stops[i + 1][1] - stops[i][1]));
        int bl = Math.round(stops[i][2] + w * (stops[i + 1][2] - stops[i][2]));
        return (r << 16) | (gr << 8) | bl;
    }
}
