using VNCH.Network.Signals;

namespace VNCH.Network.Cli.Samples;

/// <summary>What to draw: the child's build and whether a lobar opacity is added.</summary>
public sealed record ChestPhantomOptions
{
    public required int Rows { get; init; }

    public required int Columns { get; init; }

    /// <summary>Infants have a large thymus (wide upper mediastinum) and a relatively larger heart.</summary>
    public required bool Infant { get; init; }

    /// <summary>Draw a patchy consolidation in this lung's lower zone (null: clear lungs).</summary>
    public string? OpacityIn { get; init; }
}

/// <summary>
/// A procedural frontal chest radiograph: attenuation (0 = air, about 1 = bone) built from soft-edged shapes — body
/// outline and shoulders, two lung fields (dark) bounded by the ribcage and the diaphragm domes (right dome higher),
/// mediastinum and heart (left-sided bulge), thymus in infants, spine, clavicles, posterior and anterior ribs with
/// brighter cortices, gastric bubble — plus hilar vascular markings and texture from seeded value noise, a heel-effect
/// exposure gradient and quantum noise. Not anatomy to learn from: a shape that exercises the imaging pipeline like a
/// real chest film (dark lungs, bright mediastinum and bones, structure at several scales).
/// Coordinates: x from −1 (image left, the patient's right) to 1, y from 0 (top) to 1.
/// </summary>
public static class ChestRadiographPhantom
{
    public static float[] Render(ChestPhantomOptions options, int seed)
    {
        var random = new Random(seed);
        var rows = options.Rows;
        var columns = options.Columns;
        var result = new float[rows * columns];
        var aspect = (double)rows / columns;

        // Per-film variation: inspiration depth, rotation-free shift, heart size.
        var diaphragm = 0.66 + (random.NextDouble() * 0.05);
        var shift = (random.NextDouble() - 0.5) * 0.04;
        var heart = (options.Infant ? 0.36 : 0.30) + (random.NextDouble() * 0.03);
        var noiseSeed = random.Next();
        var opacityX = options.OpacityIn switch { "right" => -0.42, "left" => 0.45, _ => 0.0 };
        var opacityY = diaphragm - 0.10 - (random.NextDouble() * 0.08);

        // The anatomy is smooth at the scale of a pixel: compute it on a half-resolution grid and interpolate (4x less work).
        var lowRows = (rows + 1) / 2;
        var lowColumns = (columns + 1) / 2;
        var low = new double[lowRows * lowColumns];
        for (var r = 0; r < lowRows; r++)
        {
            var y = ((2.0 * r) + 1) / rows * aspect * 0.92; // films are taller than wide: the chest keeps its proportions
            for (var c = 0; c < lowColumns; c++)
            {
                var x = (((2.0 * c) + 1) / columns * 2) - 1 - shift;
                var density = Density(x, y, diaphragm, heart, options.Infant, noiseSeed);
                if (options.OpacityIn is not null && InLung(x, y, diaphragm, heart, options.Infant) is var lung && lung > 0.5)
                {
                    var d = Math.Sqrt(Math.Pow((x - opacityX) / 0.22, 2) + Math.Pow((y - opacityY) / 0.12, 2));
                    var patch = SmoothStep(1.1, 0.6, d) * (0.55 + (0.45 * Fbm(x * 9, y * 9, noiseSeed + 7, 3)));
                    density += 0.26 * patch * lung;
                }

                var heel = 1 + (0.05 * (y - 0.5)); // anode heel effect: exposure falls off along the tube axis
                low[(r * lowColumns) + c] = density * heel;
            }
        }

        for (var r = 0; r < rows; r++)
        {
            var ly = Math.Clamp(((r + 0.5) / 2) - 0.5, 0, lowRows - 1);
            var r0 = (int)ly;
            var r1 = Math.Min(r0 + 1, lowRows - 1);
            var fy = ly - r0;
            for (var c = 0; c < columns; c++)
            {
                var lx = Math.Clamp(((c + 0.5) / 2) - 0.5, 0, lowColumns - 1);
                var c0 = (int)lx;
                var c1 = Math.Min(c0 + 1, lowColumns - 1);
                var fx = lx - c0;
                var top = Lerp(low[(r0 * lowColumns) + c0], low[(r0 * lowColumns) + c1], fx);
                var bottom = Lerp(low[(r1 * lowColumns) + c0], low[(r1 * lowColumns) + c1], fx);
                result[(r * columns) + c] = (float)Lerp(top, bottom, fy);
            }
        }

        // Quantum (Poisson-like) noise, stronger where fewer photons arrive (dense parts are bright).
        for (var i = 0; i < result.Length; i++)
        {
            result[i] += (float)(random.NextGaussian() * (0.006 + (0.008 * result[i])));
        }

        return result;
    }

    private static double Density(double x, double y, double diaphragm, double heart, bool infant, int seed)
    {
        var ax = Math.Abs(x);

        // Body outline: neck above the shoulders, widening chest wall, soft tissue everywhere inside.
        var halfWidth = y < 0.10 ? 0.22 + (y * 4.5) : Math.Min(0.93, 0.67 + (0.9 * (y - 0.10)));
        var body = SmoothStep(0.03, -0.03, ax - halfWidth);
        var density = 0.03 + (0.50 * body);

        // Abdomen below the domes is denser than the chest wall; a gastric bubble under the left dome.
        var dome = Dome(x, diaphragm);
        density += 0.08 * SmoothStep(-0.01, 0.02, y - dome) * body;
        var bubble = Math.Sqrt(Math.Pow((x - 0.36) / 0.12, 2) + Math.Pow((y - (dome + 0.07)) / 0.05, 2));
        density -= 0.25 * SmoothStep(1.0, 0.7, bubble) * body;

        // Lungs: dark fields with vascular markings that fade from the hila to the periphery.
        var lung = InLung(x, y, diaphragm, heart, infant);
        var hilum = Math.Exp(-((Math.Pow(ax - 0.22, 2) / 0.03) + (Math.Pow(y - 0.42, 2) / 0.02)));
        var markings = Ridged(x * 14, y * 14, seed) * (0.05 + (0.14 * hilum));
        var periphery = 0.06 * Math.Max(0, ax - 0.55) + (0.10 * Math.Max(0, y - 0.55)); // chest wall and bases overlap the lung
        density -= lung * (0.34 - markings - periphery - (0.06 * Fbm(x * 5, y * 5, seed + 3, 4)) - (0.05 * hilum));

        // Spine: vertebral bodies with brighter end plates, seen through the mediastinum.
        var spine = SmoothStep(0.075, 0.055, ax) * SmoothStep(0.02, 0.06, y);
        var endPlate = Math.Pow(Math.Abs(Math.Sin(y * Math.PI / 0.045)), 12);
        density += spine * (0.07 + (0.03 * endPlate)) * (1 - (0.7 * lung));

        // Clavicles: gently S-shaped from the manubrium out to the shoulders.
        if (ax is > 0.08 and < 0.72)
        {
            var u = (ax - 0.08) / 0.64;
            var centre = 0.14 - (0.06 * u) + (0.02 * Math.Sin(u * Math.PI * 2));
            density += 0.16 * Band(y - centre, 0.018) * body;
        }

        // Ribs, on each side: ten posterior ribs curving down laterally, fainter anterior ribs running down medially.
        var cage = SmoothStep(0.05, -0.02, y - Dome(x, diaphragm) - 0.04) * SmoothStep(0.04, -0.04, ax - (halfWidth - 0.05));
        if (ax > 0.06 && cage > 0)
        {
            for (var k = 0; k < 10; k++)
            {
                var u = (ax - 0.06) / 0.78;
                if (u > 1.05)
                {
                    break;
                }

                var start = 0.12 + (k * 0.058);
                var posterior = start - (0.02 * u) + (0.17 * u * u);
                var thickness = 0.010 + (0.005 * u);
                density += 0.065 * Band(y - posterior, thickness) * cage;

                if (u > 0.3)
                {
                    var anterior = start + 0.07 + (0.16 * (1 - u));
                    density += 0.025 * Band(y - anterior, thickness * 1.2) * cage;
                }
            }
        }

        return Math.Max(0, density);
    }

    /// <summary>Diaphragm: the right dome (image left) higher than the left, lowest at the costophrenic angles.</summary>
    private static double Dome(double x, double diaphragm)
    {
        var side = x < 0 ? -0.02 : 0.015;
        var centre = x < 0 ? -0.40 : 0.42;
        return diaphragm + side + (0.10 * Math.Pow((x - centre) / 0.40, 2));
    }

    /// <summary>How much a point lies in a lung field (0 to 1, soft edges).</summary>
    private static double InLung(double x, double y, double diaphragm, double heart, bool infant)
    {
        var ax = Math.Abs(x);
        var apex = 0.13;
        if (y < apex - 0.05)
        {
            return 0;
        }

        // Lateral border: the inner chest wall, round at the apex.
        var lateral = 0.18 + (0.62 * Math.Sqrt(Math.Max(0, Math.Min(1, (y - apex + 0.02) / 0.45))));
        var inside = SmoothStep(0.02, -0.02, ax - lateral);

        // Medial border: mediastinum (wider thymus in infants), heart bulging into the left lung.
        // Aortic knob on the left; the infant thymus widens both sides ("sail").
        var knob = x > 0 ? 0.06 * Math.Exp(-Math.Pow((y - 0.30) / 0.04, 2)) : 0;
        var mediastinum = 0.09 + knob + (infant ? 0.13 * Math.Exp(-Math.Pow((y - 0.30) / 0.09, 2)) : 0.02 * Math.Exp(-Math.Pow((y - 0.26) / 0.05, 2)));
        inside *= SmoothStep(-0.015, 0.015, ax - mediastinum);
        var heartX = x - 0.12;
        var heartY = y - (diaphragm - 0.09);
        var heartShape = Math.Sqrt(Math.Pow(heartX / heart, 2) + Math.Pow(heartY / (heart * 0.62), 2));
        inside *= SmoothStep(0.95, 1.05, heartShape);

        // Lower border: the diaphragm dome.
        inside *= SmoothStep(0.012, -0.012, y - Dome(x, diaphragm));
        return inside;
    }

    /// <summary>A bone band of half-width <paramref name="half"/>: brighter cortex at the edges, soft falloff.</summary>
    private static double Band(double distance, double half)
    {
        var t = Math.Abs(distance) / half;
        return t >= 1.3 ? 0 : SmoothStep(1.3, 0.9, t) * (0.6 + (0.4 * Math.Pow(Math.Min(t, 1), 4)));
    }

    private static double SmoothStep(double edge0, double edge1, double x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - (2 * t));
    }

    /// <summary>Fractal value noise in [0, 1].</summary>
    private static double Fbm(double x, double y, int seed, int octaves)
    {
        double sum = 0, amplitude = 0.5, norm = 0;
        for (var o = 0; o < octaves; o++)
        {
            sum += amplitude * ValueNoise(x, y, seed + o);
            norm += amplitude;
            x *= 2.03;
            y *= 2.03;
            amplitude *= 0.5;
        }

        return sum / norm;
    }

    /// <summary>Ridged noise: thin bright lines where the noise crosses 0.5, like branching vessels seen end-on and along.</summary>
    private static double Ridged(double x, double y, int seed)
    {
        var n = Fbm(x, y, seed, 3);
        return Math.Pow(1 - Math.Min(1, Math.Abs(n - 0.5) * 6), 3);
    }

    private static double ValueNoise(double x, double y, int seed)
    {
        var x0 = Math.Floor(x);
        var y0 = Math.Floor(y);
        var fx = x - x0;
        var fy = y - y0;
        var sx = fx * fx * (3 - (2 * fx));
        var sy = fy * fy * (3 - (2 * fy));
        var ix = (int)x0;
        var iy = (int)y0;
        var top = Lerp(Hash(ix, iy, seed), Hash(ix + 1, iy, seed), sx);
        var bottom = Lerp(Hash(ix, iy + 1, seed), Hash(ix + 1, iy + 1, seed), sx);
        return Lerp(top, bottom, sy);
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);

    /// <summary>Integer hash of a lattice point to [0, 1) (stable across runs and platforms, unlike HashCode).</summary>
    private static double Hash(int x, int y, int seed)
    {
        unchecked
        {
            var h = (uint)((x * 374761393) + (y * 668265263) + (seed * 1442695041));
            h = (h ^ (h >> 13)) * 1274126177u;
            h ^= h >> 16;
            return (h & 0xFFFFFF) / (double)0x1000000;
        }
    }
}
