#!/usr/bin/python3
"""Train the pediatric chest X-ray pneumonia model on PneumoniaMNIST (28x28) and export it to ONNX.

Runs with Debian's python3-torch and python3-onnx (no pip):  /usr/bin/python3 train.py --data <pneumoniamnist_28.npz>

Design (see MODEL_CARD.md and docs/adr/0041; --recipe and the robust validation criterion: docs/adr/0043):
* train split to fit, val split to monitor training and to choose the decision threshold; the test split is NOT read here.
  The one test evaluation is done by the C# ModelEvaluator (`vnch model evaluate`), so the numbers on the card come from
  the production preprocessing and runtime.
* class-balanced loss (pos_weight = n_normal / n_pneumonia), so the network's implicit prior is 50 %: its 0.5 point
  does not depend on the 74 % pneumonia share of train/val.
* an ensemble of a few seeds and test-time augmentation (identity + horizontal flip) folded into the exported graph,
  so the C# path runs exactly what was validated here.
* deterministic: fixed seeds, deterministic torch algorithms, single ordering of batches.
"""
import argparse
import hashlib
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="pneumoniamnist_28.npz (MedMNIST v2)")
    p.add_argument("--out", default=HERE)
    p.add_argument("--seeds", type=int, nargs="+", default=[11, 23, 37])
    p.add_argument("--epochs", type=int, default=32)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads; 1 on the shared 2-core machine (2 threads spin-wait badly under contention)")
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--cache", default=None,
                   help="folder for per-seed checkpoints, so an interrupted run resumes (results are identical)")
    p.add_argument("--recipe", choices=sorted(RECIPES), default="v1",
                   help="v1: the v1.0.0 recipe; see RECIPES and docs/adr/0043 for the others")
    p.add_argument("--robust-eval", action="store_true",
                   help="only load the cached members of --recipe and print the robust validation criterion")
    p.add_argument("--manifest-only", action="store_true",
                   help="rewrite model.json from training-summary.json and model.onnx without training")
    return p.parse_args()


class Block(nn.Module):
    """Pre-activation-free basic residual block (conv-bn-relu-conv-bn + shortcut)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class SmallResNet(nn.Module):
    """28x28 -> 14x14 -> 7x7 residual CNN, about 5 M multiply-adds per image: fast enough for 1-thread CPU inference."""

    def __init__(self, w=16):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        self.l1 = Block(w, w, 1)
        self.l2 = Block(w, 2 * w, 2)
        self.l3 = Block(2 * w, 4 * w, 2)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(4 * w, 1)

    def forward(self, x):
        x = self.l3(self.l2(self.l1(self.stem(x))))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(self.drop(x))


# Normalisation lives inside the graph: callers feed pixels/255 in [0, 1].
MEAN, STD = 0.5, 0.25

# Candidate recipes (pre-registered in docs/adr/0043 before any of them was trained).
#   norm:    "global" = (x - 0.5) / 0.25 as in v1.0.0; "instance" = per-image standardisation (image mean 0, sd 1),
#            which makes the network blind to global brightness/contrast differences between acquisition pipelines.
#   augment: "mild" = v1.0.0 jitter; "strong" = random-resized crop, gamma, contrast, brightness, blur/sharpen, noise.
#   folds:   0 = fit on train, threshold on validation (v1.0.0, ADR 0041/0043); k > 0 = docs/adr/0044: train and
#            validation pooled (train duplicates removed), k-fold cross-validation grouped by identical image, one member
#            per fold, threshold chosen on the out-of-fold predictions of all pooled images.
#   norm "equalise": per-image rank equalisation (each pixel becomes its mid-rank in the image), which makes the input
#            invariant to any monotone grey-level mapping of the acquisition pipeline (gamma, window, contrast curves).
RECIPES = {
    "v1": {"norm": "global", "augment": "mild", "folds": 0},
    "strong": {"norm": "global", "augment": "strong", "folds": 0},
    "instance-strong": {"norm": "instance", "augment": "strong", "folds": 0},
    "cv-mild": {"norm": "global", "augment": "mild", "folds": 4},
    "cv-equalised": {"norm": "equalise", "augment": "mild", "folds": 4},
}


def normalise(x, norm):
    if norm == "equalise":
        # Mid-rank of every pixel among the image's 784 pixels, scaled to (0, 1) and centred like a uniform variable.
        # Inputs are 8-bit grey levels / 255, so the ranks come from a 256-bin histogram (Round, Equal, ReduceSum,
        # CumSum, MatMul: opset 13, and the C# path runs the identical operation).
        n = x.shape[0]
        level = torch.round(x.reshape(n, -1) * 255)
        onehot = (level[:, :, None] == torch.arange(256, dtype=x.dtype)[None, None, :]).to(x.dtype)  # [n, 784, 256]
        hist = onehot.sum(dim=1)                                                                     # [n, 256]
        mid = torch.cumsum(hist, dim=1) - 0.5 * hist                                                  # below + half ties
        u = torch.bmm(onehot, mid[:, :, None])[:, :, 0] / level.shape[1]
        return ((u - 0.5) / 0.2887).reshape(x.shape)
    if norm == "instance":
        m = x.mean(dim=(2, 3), keepdim=True)
        sd = torch.sqrt(((x - m) ** 2).mean(dim=(2, 3), keepdim=True) + 1e-4)
        return (x - m) / sd
    return (x - MEAN) / STD


class Exported(nn.Module):
    """Ensemble x TTA wrapper: input [N,1,28,28] in [0,1] -> pneumonia probability [N,1]."""

    def __init__(self, members, norm="global"):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.norm = norm

    def forward(self, x):
        z = normalise(x, self.norm)
        n = z.shape[0]
        both = torch.cat([z, torch.flip(z, dims=[3])], dim=0)
        logits = torch.stack([m(both) for m in self.members], dim=0)  # [M, 2N, 1]
        mean_logit = logits.mean(dim=0)
        mean_logit = (mean_logit[:n] + mean_logit[n:]) * 0.5
        return torch.sigmoid(mean_logit)


def augment(x, g):
    """Mild, anatomy-preserving jitter: flip, +-8 deg rotation, 0.9-1.1 scale, +-2 px shift, contrast/brightness."""
    n = x.shape[0]
    flip = torch.rand(n, generator=g) < 0.5
    x = torch.where(flip[:, None, None, None], torch.flip(x, dims=[3]), x)
    ang = (torch.rand(n, generator=g) * 2 - 1) * math.radians(8)
    sc = 1 + (torch.rand(n, generator=g) * 2 - 1) * 0.1
    tx = (torch.rand(n, generator=g) * 2 - 1) * (2 / 14)
    ty = (torch.rand(n, generator=g) * 2 - 1) * (2 / 14)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    c = 1 + (torch.rand(n, 1, 1, 1, generator=g) * 2 - 1) * 0.1
    b = (torch.rand(n, 1, 1, 1, generator=g) * 2 - 1) * 0.05
    m = x.mean(dim=(2, 3), keepdim=True)
    return ((x - m) * c + m + b).clamp(0, 1)


def blur3(x):
    """3x3 Gaussian blur (sigma ~0.85 px), border replicated."""
    k1 = torch.tensor([0.25, 0.5, 0.25])
    k = (k1[:, None] * k1[None, :])[None, None]
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k)


def augment_strong(x, g):
    """Acquisition-shift augmentation: flip, +-10 deg, random-resized crop (side 85-100 %, aspect 0.9-1.1, shifted
    within the image), then photometric: gamma 0.7-1.5 (log-uniform), contrast +-30 %, brightness +-0.1,
    blur/sharpen (x + a (x - blur x), a in [-1, 1]), Gaussian noise sd 0-0.03."""
    n = x.shape[0]
    u = lambda *shape: torch.rand(*shape, generator=g)
    flip = u(n) < 0.5
    x = torch.where(flip[:, None, None, None], torch.flip(x, dims=[3]), x)
    ang = (u(n) * 2 - 1) * math.radians(10)
    side = 0.85 + 0.15 * u(n)
    ar = torch.exp((u(n) * 2 - 1) * math.log(1.1))
    ax, ay = side * torch.sqrt(ar), side / torch.sqrt(ar)
    tx = (u(n) * 2 - 1) * ((1 - side).clamp(min=0) + 1 / 14)
    ty = (u(n) * 2 - 1) * ((1 - side).clamp(min=0) + 1 / 14)
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([cos * ax, -sin * ay, tx], 1), torch.stack([sin * ax, cos * ay, ty], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    gamma = torch.exp((u(n, 1, 1, 1) * 2 - 1) * 0.5 * math.log(1.5 / 0.7) + 0.5 * math.log(1.5 * 0.7))
    x = x.clamp(1e-6, 1) ** gamma
    c = 1 + (u(n, 1, 1, 1) * 2 - 1) * 0.3
    b = (u(n, 1, 1, 1) * 2 - 1) * 0.1
    m = x.mean(dim=(2, 3), keepdim=True)
    x = ((x - m) * c + m + b).clamp(0, 1)
    a = u(n, 1, 1, 1) * 2 - 1
    x = x + a * (x - blur3(x))
    x = x + torch.randn(x.shape, generator=g) * (0.03 * u(n, 1, 1, 1))
    return x.clamp(0, 1)


# The robust validation criterion (docs/adr/0043): fixed synthetic acquisition shifts of the validation images,
# re-quantised to 8 bits like real inputs. Deterministic (no randomness), identical for every candidate.
SHIFTS = [
    ("identity", lambda x: x),
    ("gamma 0.7", lambda x: x ** 0.7),
    ("gamma 1.5", lambda x: x ** 1.5),
    ("contrast 0.7", lambda x: (x - x.mean(dim=(2, 3), keepdim=True)) * 0.7 + x.mean(dim=(2, 3), keepdim=True)),
    ("contrast 1.3", lambda x: (x - x.mean(dim=(2, 3), keepdim=True)) * 1.3 + x.mean(dim=(2, 3), keepdim=True)),
    ("brightness -0.1", lambda x: x - 0.1),
    ("brightness +0.1", lambda x: x + 0.1),
    ("blur", lambda x: blur3(x)),
    ("sharpen", lambda x: 2 * x - blur3(x)),
]


def robust_validation(model, xva, yva):
    """Threshold chosen on clean validation (the balanced rule), then balanced accuracy and AUC on every shift at that
    fixed threshold. Criterion = mean balanced accuracy over SHIFTS (identity included)."""
    with torch.no_grad():
        clean = model(torch.from_numpy(xva)).numpy()[:, 0]
        t, _ = balanced_threshold(clean, yva)
        rows = {}
        for name, f in SHIFTS:
            xs = torch.round(f(torch.from_numpy(xva)).clamp(0, 1) * 255) / 255
            p = model(xs).numpy()[:, 0]
            mt = metrics_at(p, yva, t)
            rows[name] = {k: round(mt[k], 4) for k in ("balancedAccuracy", "auc", "sensitivity", "specificity")}
    crit = float(np.mean([r["balancedAccuracy"] for r in rows.values()]))
    return {"threshold": t, "criterion": crit,
            "meanAuc": float(np.mean([r["auc"] for r in rows.values()])), "shifts": rows}


def auc(scores, labels):
    """Mann-Whitney AUC with mid-ranks for ties."""
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    pos = labels == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def balanced_threshold(scores, labels):
    """Pre-registered rule: among cut points maximising validation balanced accuracy (mean of sensitivity and
    specificity, which does not depend on prevalence), take the one closest to 0.5 -- the neutral point of a
    class-balanced model. Cut points are midpoints between consecutive distinct scores."""
    s = np.unique(scores)
    cuts = np.concatenate([[0.0], (s[:-1] + s[1:]) / 2, [1.0]])
    pos = labels == 1
    best, chosen = -1.0, 0.5
    for c in cuts:
        pred = scores >= c
        ba = 0.5 * (pred[pos].mean() + (~pred[~pos]).mean())
        if ba > best + 1e-12 or (abs(ba - best) <= 1e-12 and abs(c - 0.5) < abs(chosen - 0.5)):
            best, chosen = ba, c
    return float(chosen), float(best)


def metrics_at(scores, labels, t):
    pred = scores >= t
    pos = labels == 1
    return {
        "auc": float(auc(scores, labels)),
        "accuracy": float((pred == pos).mean()),
        "sensitivity": float(pred[pos].mean()),
        "specificity": float((~pred[~pos]).mean()),
        "balancedAccuracy": float(0.5 * (pred[pos].mean() + (~pred[~pos]).mean())),
        "n": int(len(labels)),
        "positives": int(pos.sum()),
    }


def train_member(seed, xtr, ytr, xva, yva, args, resume_path=None):
    recipe = RECIPES[args.recipe]
    aug = augment_strong if recipe["augment"] == "strong" else augment
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = SmallResNet(args.width)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    steps_per_epoch = math.ceil(len(xtr) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch,
                                                pct_start=0.2)
    start = 0
    if resume_path and os.path.exists(resume_path):
        st = torch.load(resume_path)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        g.set_state(st["gen"])
        torch.set_rng_state(st["rng"])
        start = st["epoch"]
        print(f"seed {seed}: resuming after epoch {start}", flush=True)
    pos_weight = torch.tensor([(ytr == 0).sum() / (ytr == 1).sum()], dtype=torch.float32)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr.astype(np.float32))[:, None]
    for epoch in range(start, args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=g)
        t0, total = time.time(), 0.0
        for k in range(steps_per_epoch):
            idx = perm[k * args.batch:(k + 1) * args.batch]
            xb = normalise(aug(xt[idx], g), recipe["norm"])
            loss = F.binary_cross_entropy_with_logits(model(xb), yt[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        if resume_path:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "gen": g.get_state(), "rng": torch.get_rng_state(), "epoch": epoch + 1}, resume_path)
        if epoch % 4 == 3 or epoch == args.epochs - 1:
            model.eval()
            p = predict(lambda x: torch.sigmoid(model(normalise(x, recipe["norm"]))), xva)
            print(f"seed {seed} epoch {epoch + 1}: loss {total / len(xt):.4f} val AUC {auc(p, yva):.4f} "
                  f"({time.time() - t0:.1f}s/epoch)", flush=True)
    model.eval()
    return model


def predict(model, x, chunk=256):
    """Probabilities in chunks (rank equalisation builds an n x 784 x 784 comparison tensor)."""
    with torch.no_grad():
        return np.concatenate([model(torch.from_numpy(x[i:i + chunk])).numpy()[:, 0] for i in range(0, len(x), chunk)])


def grouped_folds(images, labels, k, seed=2026):
    """Stratified k-fold assignment in which identical images always share a fold (so no image is scored by a model
    that was trained on its copy). Deterministic: groups are shuffled with a fixed seed and dealt round-robin per class."""
    groups = {}
    for i, im in enumerate(images):
        groups.setdefault(hashlib.sha1(im.tobytes()).hexdigest(), []).append(i)
    fold = np.empty(len(images), dtype=np.int64)
    rng = np.random.RandomState(seed)
    for cls in (0, 1):
        keys = sorted(h for h, idx in groups.items() if labels[idx[0]] == cls)
        rng.shuffle(keys)
        for j, h in enumerate(keys):
            fold[groups[h]] = j % k
    return fold


def main_cv(args, data):
    """docs/adr/0044: pooled train + validation, grouped k-fold CV; members = fold models; threshold on out-of-fold."""
    recipe = RECIPES[args.recipe]
    k = recipe["folds"]
    if len(args.seeds) != k:
        raise SystemExit(f"--recipe {args.recipe} has {k} folds: give {k} seeds (one per fold member)")
    train_hashes = {hashlib.sha1(im.tobytes()).hexdigest() for im in data["train_images"]}
    keep = np.array([hashlib.sha1(im.tobytes()).hexdigest() not in train_hashes for im in data["val_images"]])
    images = np.concatenate([data["train_images"], data["val_images"][keep]])
    labels = np.concatenate([data["train_labels"].reshape(-1), data["val_labels"].reshape(-1)[keep]]).astype(np.int64)
    x = (images.astype(np.float32) / 255.0)[:, None]
    fold = grouped_folds(images, labels, k)
    print(f"pool {len(labels)} ({labels.mean():.3f} pneumonia), {k} folds of "
          f"{[int((fold == f).sum()) for f in range(k)]}", flush=True)
    t0 = time.time()
    members, oof = [], np.zeros(len(labels))
    for f, s in enumerate(args.seeds):
        tr, ho = fold != f, fold == f
        ckpt = os.path.join(args.cache, f"{args.recipe}-fold{f}-seed{s}-w{args.width}-e{args.epochs}.pt") \
            if args.cache else None
        if ckpt and os.path.exists(ckpt):
            m = SmallResNet(args.width)
            m.load_state_dict(torch.load(ckpt))
            m.eval()
            print(f"fold {f}: loaded {ckpt}", flush=True)
        else:
            m = train_member(s, x[tr], labels[tr], x[ho], labels[ho], args,
                             resume_path=ckpt + ".partial" if ckpt else None)
            if ckpt:
                os.makedirs(args.cache, exist_ok=True)
                torch.save(m.state_dict(), ckpt)
        members.append(m)
        oof[ho] = predict(Exported([m], recipe["norm"]).eval(), x[ho])
        print(f"fold {f}: out-of-fold AUC {auc(oof[ho], labels[ho]):.4f} (n={int(ho.sum())})", flush=True)
    threshold, _ = balanced_threshold(oof, labels)
    cv = metrics_at(oof, labels, threshold)
    print(f"out-of-fold (n={len(labels)}): {cv}; threshold {threshold:.4f}; training {time.time() - t0:.0f}s", flush=True)
    model = Exported(members, recipe["norm"]).eval()
    # Every member saw (most of) the validation split, so this is no performance figure: it is what the C# evaluator
    # must reproduce over the same 524 images to show that the export and the production preprocessing match training.
    xval = (data["val_images"].astype(np.float32) / 255.0)[:, None]
    pval = predict(model, xval)
    export_check = {"split": "val", "n": int(len(pval)), "auc": float(auc(pval, data["val_labels"].reshape(-1))),
                    "meanProbability": float(pval.mean())}
    export(model, args, {
        "threshold": threshold,
        "validation": cv,
        "exportCheck": export_check,
        "validationKind": f"out-of-fold predictions of {k}-fold cross-validation over train + validation "
                          f"(train duplicates removed from validation, identical images kept in one fold)",
        "seeds": args.seeds,
        "epochs": args.epochs,
        "trainingSeconds": round(time.time() - t0),
    })


def export(model, args, summary):
    """ONNX export, checker, training-summary.json and model.json."""
    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, input_names=["image"],
                      output_names=["pneumonia_probability"], opset_version=13, do_constant_folding=True,
                      dynamic_axes={"image": {0: "batch"}, "pneumonia_probability": {0: "batch"}})
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    with open(onnx_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    summary = {"sha256": sha, **summary, "torch": torch.__version__,
               "parameters": sum(p.numel() for p in model.parameters()), "width": args.width, "recipe": args.recipe}
    with open(os.path.join(args.out, "training-summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(json.dumps(summary, indent=2), flush=True)
    write_manifest(args.out, summary)


MODEL_ID = "pediatric-cxr-pneumonia"
# The shipped 1.0.0 is the v1 recipe. The ADR 0043 candidates were not selected; their exports are labelled as such.
VERSION_OF_RECIPE = {"v1": "1.0.0", "strong": "1.1.0-candidate-strong", "instance-strong": "1.1.0-candidate-instance",
                     "cv-mild": "2.0.0-candidate-cv-mild", "cv-equalised": "2.0.0-candidate-cv-equalised"}


def write_manifest(out, summary):
    """model.json: what the C# registry reads. Test metrics are added by `vnch model evaluate --update-manifest`
    (the C# evaluator over the production preprocessing), never here."""
    path = os.path.join(out, "model.json")
    previous = {}
    if os.path.exists(path):
        with open(path) as f:
            previous = json.load(f)
    val = summary["validation"]
    recipe = RECIPES[summary.get("recipe", "v1")]
    instance = recipe["norm"] == "instance"
    equalise = recipe["norm"] == "equalise"
    folds = recipe["folds"]
    if folds:
        chosen_on = ("the out-of-fold predictions of %d-fold cross-validation over train + validation pooled (8 "
                     "validation copies of train images removed, identical images kept in one fold; n=%d, %d normal)"
                     % (folds, val["n"], val["n"] - val["positives"]))
    else:
        chosen_on = "the validation split only (train duplicates removed, n=%d)" % val["n"]
    manifest = {
        "schemaVersion": 1,
        "id": MODEL_ID,
        "version": VERSION_OF_RECIPE[summary.get("recipe", "v1")],
        "file": "model.onnx",
        "sha256": summary["sha256"],
        "task": "binary-classification",
        "labels": ["normal", "pneumonia"],
        "labelCodes": {
            "normal": {"system": "http://snomed.info/sct", "code": "17621005", "display": "Normal"},
            "pneumonia": {"system": "http://snomed.info/sct", "code": "233604007", "display": "Pneumonia"},
        },
        "input": {
            "name": "image",
            "shape": [1, 1, 28, 28],
            "elementType": "float32",
            "preprocessing": {
                "kind": "center-crop-resize-gray8",
                "width": 28,
                "height": 28,
                "channelOrder": "gray",
                "filter": "bilinear",
                "scale": 1 / 255,
                "offset": 0.0,
                "description": "Display-ready 8-bit grayscale (Modality LUT, VOI LUT/window, MONOCHROME1 inverted so "
                               "that dense tissue is bright), center-cropped to a square on the short edge, resized "
                               "to 28x28 with Pillow-style antialiased bilinear resampling, rounded to uint8 like the "
                               "MedMNIST files, divided by 255. " +
                               ("Per-image standardisation (image mean 0, sd 1), " if instance else
                                "Per-image rank equalisation (each pixel's mid-rank among the image's 784 grey "
                                "levels), " if equalise else "Normalisation, ") +
                               "the seed ensemble and the flip test-time augmentation are inside the ONNX graph.",
            },
        },
        "output": {"name": "pneumonia_probability", "kind": "probability"},
        "thresholds": [{
            "name": "balanced",
            "value": round(summary["threshold"], 6),
            "isDefault": True,
            "rule": "Chosen on %s: the cut point that "
                    "maximises balanced accuracy (mean of sensitivity and specificity, independent of prevalence), "
                    "the one closest to 0.5 among ties; the network is trained with a class-balanced loss so 0.5 "
                    "is its prior-neutral point. The test split was not used." % chosen_on,
        }],
        "applicability": {
            "studyKinds": ["imaging"],
            "modalities": ["CR", "DX"],
            "bodyPartsExamined": ["CHEST"],
            "viewPositions": ["AP", "PA"],
            "sopClassUids": ["1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1"],
            "notes": "Frontal chest radiographs of children aged about 1-5 years. Not for lateral views, adults, "
                     "neonatal ICU films with lines and tubes, or non-chest images.",
        },
        "intendedUse": "Decision support: flags pediatric frontal chest X-rays that look like pneumonia for "
                       "prioritised review by a clinician. Not a diagnosis. Not for clinical use without local "
                       "validation on the hospital's own images and population.",
        "trainingData": {
            "name": "PneumoniaMNIST (MedMNIST v2), 28x28",
            "source": "https://medmnist.com (Zenodo record of MedMNIST v2); derived from Kermany et al. 2018, "
                      "Mendeley Data doi:10.17632/rscbjbr9sj.2",
            "licence": "CC BY 4.0",
            "population": "Pediatric patients aged 1-5 years, Guangzhou Women and Children's Medical Center "
                          "(single site), anterior-posterior chest X-rays",
            "splits": {
                "train": "4708 images (1214 normal / 3494 pneumonia): model fitting",
                "validation": "524 images (135 / 389), 8 duplicates of train images removed: monitoring and "
                              "threshold selection",
                "test": "624 images (234 / 390): evaluated once, by the C# evaluator",
            } if not folds else {
                "train": "4708 images (1214 normal / 3494 pneumonia): pooled with validation",
                "validation": "524 images (135 / 389), 8 duplicates of train images removed, pooled with train: "
                              "%d images in %d folds, each member fitted on %d folds and scoring the one left out; "
                              "threshold chosen on those out-of-fold scores" % (val["n"], folds, folds - 1),
                "test": "624 images (234 / 390): evaluated once, by the C# evaluator",
            },
            "citations": [
                "Yang J, Shi R, Wei D, et al. MedMNIST v2 - A large-scale lightweight benchmark for 2D and 3D "
                "biomedical image classification. Scientific Data 10, 41 (2023).",
                "Kermany DS, Goldbaum M, Cai W, et al. Identifying Medical Diagnoses and Treatable Diseases by "
                "Image-Based Deep Learning. Cell 172(5):1122-1131 (2018).",
            ],
        },
        "training": {
            "script": "train.py",
            "architecture": "ensemble of %d small residual CNNs%s (width %d, %d parameters in total), "
                            "TTA: identity + horizontal flip, logits averaged%s" %
                            (len(summary["seeds"]), " (one per cross-validation fold)" if folds else "",
                             summary.get("width", 16), summary["parameters"],
                             "; per-image input standardisation" if instance else
                             "; per-image rank equalisation of the input" if equalise else ""),
            "recipe": summary.get("recipe", "v1"),
            "seeds": summary["seeds"],
            "epochs": summary["epochs"],
            "torch": summary["torch"],
            "trainingSeconds": summary["trainingSeconds"],
        },
        "metrics": {
            "validation": {k: {"value": v} for k, v in val.items()},
        },
    }
    if "exportCheck" in summary:
        manifest["metrics"]["exportCheck"] = {k: {"value": v} for k, v in summary["exportCheck"].items() if k != "split"}
    if "test" in previous.get("metrics", {}) and previous.get("sha256") == summary["sha256"]:
        manifest["metrics"]["test"] = previous["metrics"]["test"]
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def main():
    args = parse_args()
    if args.manifest_only:
        with open(os.path.join(args.out, "training-summary.json")) as f:
            summary = json.load(f)
        with open(os.path.join(args.out, "model.onnx"), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != summary["sha256"]:
                raise SystemExit("model.onnx does not match training-summary.json")
        write_manifest(args.out, summary)
        return
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    np.random.seed(0)
    data = np.load(args.data)
    if RECIPES[args.recipe]["folds"]:
        main_cv(args, data)
        return
    xtr = (data["train_images"].astype(np.float32) / 255.0)[:, None]
    ytr = data["train_labels"].reshape(-1).astype(np.int64)
    xva_all = (data["val_images"].astype(np.float32) / 255.0)[:, None]
    yva_all = data["val_labels"].reshape(-1).astype(np.int64)
    # 8 validation images also occur in train: leave them out of threshold selection.
    train_hashes = {hashlib.sha1(im.tobytes()).hexdigest() for im in data["train_images"]}
    keep = np.array([hashlib.sha1(im.tobytes()).hexdigest() not in train_hashes for im in data["val_images"]])
    xva, yva = xva_all[keep], yva_all[keep]
    print(f"train {len(ytr)} ({ytr.mean():.3f} pneumonia), val {len(yva)} after removing {int((~keep).sum())} "
          f"train duplicates ({yva.mean():.3f} pneumonia)", flush=True)

    t0 = time.time()
    members = []
    # v1 keeps its original checkpoint names, so v1.0.0's members are found by --robust-eval.
    tag = "" if args.recipe == "v1" else f"{args.recipe}-"
    for s in args.seeds:
        ckpt = os.path.join(args.cache, f"{tag}seed{s}-w{args.width}-e{args.epochs}.pt") if args.cache else None
        if ckpt and os.path.exists(ckpt):
            m = SmallResNet(args.width)
            m.load_state_dict(torch.load(ckpt))
            members.append(m.eval())
            print(f"seed {s}: loaded {ckpt}", flush=True)
            continue
        if args.robust_eval:
            raise SystemExit(f"--robust-eval: no checkpoint {ckpt}")
        members.append(train_member(s, xtr, ytr, xva, yva, args, resume_path=ckpt + ".partial" if ckpt else None))
        if ckpt:
            os.makedirs(args.cache, exist_ok=True)
            torch.save(members[-1].state_dict(), ckpt)
    model = Exported(members, RECIPES[args.recipe]["norm"]).eval()
    robust = robust_validation(model, xva, yva)
    print(f"robust validation ({args.recipe}): {json.dumps(robust)}", flush=True)
    if args.robust_eval:
        return
    with torch.no_grad():
        pva = model(torch.from_numpy(xva)).numpy()[:, 0]
    threshold, val_ba = balanced_threshold(pva, yva)
    val = metrics_at(pva, yva, threshold)
    print(f"ensemble val: {val}; threshold {threshold:.4f}; training {time.time() - t0:.0f}s", flush=True)

    export(model, args, {
        "threshold": threshold,
        "validation": val,
        "seeds": args.seeds,
        "epochs": args.epochs,
        "trainingSeconds": round(time.time() - t0),
        "robustValidation": robust,
    })


if __name__ == "__main__":
    main()
