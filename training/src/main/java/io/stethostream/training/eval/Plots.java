package io.stethostream.training.eval;

import io.stethostream.ingest.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * PNG charts of a training run, drawn with JFreeChart off-screen ({@code java.awt.headless} is set to true unless the
 * caller chose otherwise) and written atomically.
 */
public final class Plots {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private Plots() {
    }

    /**
     * Learning curves: training loss per epoch in the upper panel; validation (solid) and test (dashed) Score, Se and
     * Sp in percent in the lower panel. Validation curves are left out when the run has none.
     */
    public static void learningCurves(List<EpochRecord> epochs, Path png) throws IOException {
        XYSeries loss = new XYSeries("train loss");
        epochs.forEach(e -> loss.add(e.epoch(), e.trainLoss()));
        XYPlot lossPlot = new XYPlot(new XYSeriesCollection(loss), null, new NumberAxis("train loss"),
                lineRenderer());
        lossPlot.getRenderer().setSeriesPaint(0, Color.DARK_GRAY);
        ((NumberAxis) lossPlot.getRangeAxis()).setAutoRangeIncludesZero(false);

        XYSeriesCollection scores = new XYSeriesCollection();
        XYLineAndShapeRenderer scoreRenderer = lineRenderer();
        String[] names = {"Score", "Se", "Sp"};
        List<ToDoubleFunction<IcbhiScores>> metrics =
                List.of(IcbhiScores::score, IcbhiScores::sensitivity, IcbhiScores::specificity);
        for (String split : List.of("val", "test")) {
            boolean test = split.equals("test");
            for (int m = 0; m < names.length; m++) {
                XYSeries s = new XYSeries(split + " " + names[m]);
                for (EpochRecord e : epochs) {
                    IcbhiScores sc = test ? e.test() : e.validation();
                    if (sc != null) {
                        s.add(e.epoch(), 100 * metrics.get(m).applyAsDouble(sc));
                    }
                }
                if (s.getItemCount() > 0) {
                    int i = scores.getSeriesCount();
                    scores.addSeries(s);
                    scoreRenderer.setSeriesPaint(i, PALETTE[m]);
                    scoreRenderer.setSeriesStroke(i, test ? DASHED : SOLID);
                }
            }
        }
        NumberAxis percent = new NumberAxis("%");
        percent.setRange(0, 100);
        XYPlot scorePlot = new XYPlot(scores, null, percent, scoreRenderer);

        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        plot.add(lossPlot, 2);
        plot.add(scorePlot, 3);
        JFreeChart chart = new JFreeChart("Learning curves", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        write(chart, png, 1000, 720);
    }

    /**
     * A 4 x 4 heat map of a confusion matrix: true class down, predicted class across; each cell shows its count and
     * its share of the true class's cycles, and is shaded by that share.
     */
    public static void confusionMatrix(ConfusionMatrix m, String title, Path png) throws IOException {
        int k = ConfusionMatrix.CLASSES;
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        String[] labels = ConfusionMatrix.CLASS_LABELS.toArray(String[]::new);
        SymbolAxis predicted = new SymbolAxis("predicted", labels);
        SymbolAxis actual = new SymbolAxis("true", labels);
        actual.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new BlueScale());
        XYPlot plot = new XYPlot(null, predicted, actual, renderer);
        Font cellFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        for (int t = 0; t < k; t++) {
            long row = m.rowTotal(t);
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                double share = row == 0 ? 0 : m.get(t, p) / (double) row;
                xs[i] = p;
                ys[i] = t;
                zs[i] = share;
                String pct = row == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
                XYTextAnnotation text = new XYTextAnnotation(m.get(t, p) + "  (" + pct + ")", p, t);
                text.setFont(cellFont);
                text.setPaint(share > 0.5 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(text);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of true class", new double[][] {xs, ys, zs});
        plot.setDataset(data);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.addSubtitle(new TextTitle(m.total() + " cycles; rows: true class, shade: share of the row"));
        chart.setBackgroundPaint(Color.WHITE);
        write(chart, png, 720, 640);
    }

    /**
     * A loss curve over optimiser steps: every step's loss in light grey and its running mean over {@code smooth}
     * steps in black, so the trend reads through the noise of small batches.
     */
    public static void lossCurve(int[] steps, double[] loss, int smooth, String title, Path png) throws IOException {
        XYSeries raw = new XYSeries("loss per step");
        XYSeries mean = new XYSeries("mean of " + smooth + " steps");
        double sum = 0;
        for (int i = 0; i < steps.length; i++) {
            raw.add(steps[i], loss[i]);
            sum += loss[i];
            if (i >= smooth) {
                sum -= loss[i - smooth];
            }
            mean.add(steps[i], sum / Math.min(i + 1, smooth));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(mean);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(0xbbbbbb));
        r.setSeriesStroke(0, new BasicStroke(1f));
        r.setSeriesPaint(1, Color.BLACK);
        r.setSeriesStroke(1, SOLID);
        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false);
        NumberAxis stepAxis = new NumberAxis("step");
        stepAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(data, stepAxis, lossAxis, r);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        write(chart, png, 1000, 560);
    }

    private static XYLineAndShapeRenderer lineRenderer() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setDefaultStroke(SOLID);
        return r;
    }

    private static void write(JFreeChart chart, Path png, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        AtomicFiles.write(png, out.toByteArray());
    }

    /** White at 0 to dark blue at 1. */
    private static final class BlueScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            return new Color((int) Math.round(255 - v * (255 - 8)), (int) Math.round(255 - v * (255 - 48)),
                    (int) Math.round(255 - v * (255 - 107)));
        }
    }
}
