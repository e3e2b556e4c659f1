"""Notebook 13: generative models for data augmentation: an autoencoder and a conditional
GAN on the digits, what their samples are worth, and where they cannot help."""

# %% [markdown]
# # 13. Generative models for data augmentation
#
# Notebook 8 made more training data by changing what should not matter: shifts, small
# rotations, noise. The notes list a third way: let a **generative model** learn what the
# data look like, and draw new samples from it ("GAN이나 autoencoder"). This notebook builds
# both on the bundled 8 x 8 digits:
#
# - an **autoencoder**, which squeezes each image through a few numbers and rebuilds it;
#   moving those numbers a little gives variations of a digit;
# - a **conditional GAN**, a generator and a discriminator trained against each other,
#   which draws new digits of any class we ask for;
#
# and then asks what their samples are worth: does a classifier trained on real digits
# recognise them, can a classifier learn from them alone, are they new or copies, and
# what happens when the class we need more of is exactly the one the model saw too little of.

# %% [shared] setup

# %% [shared] fit_classifier

# %%
SEED = 0  # the draws below: weights, noise, GAN batches (every result checked with 0 to 11)
rng = np.random.default_rng(SEED)
np.random.seed(SEED)
(x_train, y_train), (x_test, y_test) = nn.datasets.digits()  # (N, 64) in [0, 1], a fixed split
print(f"{len(x_train)} training and {len(x_test)} test digits of {x_train.shape[1]} pixels")


def show_digits(rows, titles, suptitle):
    """A grid of 8 x 8 digits: one row per entry of `rows` (each (n, 64))."""
    n = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), n, figsize=(n * 0.75, len(rows) * 0.85),
                             squeeze=False)
    for row, images, title in zip(axes, rows, titles):
        for ax in row:
            ax.axis("off")
        for ax, image in zip(row, images):
            ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        row[0].set_title(title, fontsize=10, loc="left")
    fig.suptitle(suptitle)
    plt.show()

# %% [markdown]
# ## A judge
#
# To ask "does this generated image look like a 7?", we need someone who knows 7s: an MLP
# trained on the real training digits. It never sees a generated image while it learns.

# %%
judge = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
judge_accuracy = fit_classifier(judge, x_train, y_train, x_test, y_test, epochs=30,
                                lr=3e-3)[-1]


def judged(images):
    """The judge's class for each image (n, 64)."""
    with ag.no_grad():
        return judge(images).data.argmax(axis=1)


print(f"the judge recognises {judge_accuracy:.1%} of the real test digits")
assert judge_accuracy > 0.9

# %% [markdown]
# ## An autoencoder
#
# The **encoder** maps an image (64 numbers) to a **code** of 8 numbers; the **decoder**
# maps the code back to 64 pixel values. Trained to give back its own input, with no labels
# at all, the network must keep in 8 numbers what matters about a digit: the narrow middle
# (the *bottleneck*) is what forces it to learn the data's structure instead of copying.
# Pixels are in [0, 1], so the decoder ends in a sigmoid and the loss is the binary
# cross-entropy per pixel (`binary_cross_entropy_with_logits` takes the values before the
# sigmoid, which is numerically safer).

# %%
CODE = 8
encoder = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, CODE))
decoder = nn.Sequential(nn.Linear(CODE, 64), nn.ReLU(), nn.Linear(64, 64))  # logits
optimizer = optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=3e-3)
images_only = nn.data.DataLoader(nn.data.TensorDataset(x_train), batch_size=64, shuffle=True,
                                 seed=SEED)
for _ in range(80):  # epochs
    for (images,) in images_only:  # no labels: the images are their own targets
        loss = F.binary_cross_entropy_with_logits(decoder(encoder(images)), images)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def decode(codes):
    with ag.no_grad():
        return F.sigmoid(decoder(codes)).data


with ag.no_grad():
    codes = encoder(x_train).data
    rebuilt = decode(encoder(x_test).data)
error = float(np.mean((rebuilt - x_test) ** 2))
mean_image_error = float(np.mean((x_test - x_train.mean(axis=0)) ** 2))
print(f"test pixels' mean squared error: rebuilt {error:.4f}, "
      f"the mean digit {mean_image_error:.4f}")
print(f"the judge recognises {np.mean(judged(rebuilt) == y_test):.1%} of the rebuilt "
      "test digits")
assert error < 0.35 * mean_image_error
show_digits([x_test[:12], rebuilt[:12]], ["test digits", "rebuilt from 8 numbers"],
            "the autoencoder's reconstructions")

# %% [markdown]
# ### Variations: a little noise on the code
#
# Salt-and-pepper noise changes pixels; noise on the **code** changes the digit's *shape*:
# a stroke a little thicker, a loop a little wider, because the decoder only draws what it
# learned digits look like. The noise is scaled per code number by how much that number
# varies over the training set. Too much noise, and the digit turns into another one (or
# into none): the scale is a hyperparameter, and the judge tells us how often the label
# survives it.

# %%
code_spread = codes.std(axis=0)


def variations(images, count, scale):
    """`count` decoded variations of each image (n, 64), codes moved by Gaussian noise of
    `scale` times each code number's spread; returns (n * count, 64), image by image."""
    with ag.no_grad():
        base = np.repeat(encoder(images).data, count, axis=0)
    noise = rng.standard_normal(base.shape).astype(np.float32) * code_spread * scale
    return decode(base + noise)


labels_kept = {}
for scale in (0.25, 0.5, 1.0, 2.0):
    varied = variations(x_test, 5, scale)
    labels_kept[scale] = float(np.mean(judged(varied) == np.repeat(y_test, 5)))
    print(f"noise {scale:4} x spread: the judge sees the original class in "
          f"{labels_kept[scale]:.1%} of the variations")
assert labels_kept[0.25] > 0.75 and labels_kept[2.0] < labels_kept[0.25] - 0.2
show_digits([x_test[:1].repeat(10, axis=0), variations(x_test[:1], 10, 0.5),
             variations(x_test[:1], 10, 2.0)],
            ["original", "noise 0.5 x spread", "noise 2 x spread"],
            "variations of one digit through its code")

# %% [markdown]
# ## A conditional GAN
#
# A **generative adversarial network** (Goodfellow et al., 2014) trains two networks
# against each other. The **generator** G turns random noise z into an image; the
# **discriminator** D looks at an image and outputs a logit, the log-odds that the image
# is real (label 1) rather than generated (label 0). D is trained to tell them apart; G is
# trained to make D say "real" about its images. Together they play
#
# $$\min_G \max_D \; \mathbb{E}_{x \sim \text{data}}[\log D(x)] +
#   \mathbb{E}_{z}[\log(1 - D(G(z)))] ,$$
#
# with $D(\cdot)$ the probability (the sigmoid of D's logit). G is never shown a real
# image: it learns what real digits look like only through D's gradient, which backprop
# carries from D's output, through D, into G's weights.
#
# **Conditional**: both networks also get the class as a one-hot vector, so G learns to
# draw the class it is asked for, and D checks that the image fits the class. That makes
# G a source of *labelled* samples: what augmentation needs.
#
# Each training step has two halves, each with its own optimizer:
#
# 1. D's step: real images with label 1, G's images with label 0. `fake.detach()` cuts
#    the graph, so this step's backward stops at G's output and leaves G's gradients alone.
# 2. G's step: G's images, through D, with label 1 ("fool D"). Only G's optimizer steps;
#    D's gradients from this backward are cleared by D's `zero_grad` before its next step.
#
# (G's loss is the "non-saturating" one, $-\log D(G(z))$, rather than minimizing
# $\log(1 - D(G(z)))$, whose gradient vanishes early in training, when D rejects G's
# images easily.) Adam with $\beta_1 = 0.5$ is the usual choice for GANs (Radford et
# al., 2015).

# %%
NOISE = 16
one_hot = np.eye(10, dtype=np.float32)


def with_labels(images, labels):
    """The discriminator's input: the images (n, 64) beside their one-hot labels (n, 10)."""
    return ag.concatenate([images, one_hot[labels]], axis=1)


def make_gan():
    generator = nn.Sequential(nn.Linear(NOISE + 10, 128), nn.LeakyReLU(0.2),
                              nn.Linear(128, 64), nn.Sigmoid())
    discriminator = nn.Sequential(nn.Linear(64 + 10, 128), nn.LeakyReLU(0.2),
                                  nn.Linear(128, 1))  # a logit
    return generator, discriminator


def generate(generator, labels):
    """One new image (n, 64) for each class in `labels`."""
    noise = rng.standard_normal((len(labels), NOISE)).astype(np.float32)
    with ag.no_grad():
        return generator(ag.concatenate([noise, one_hot[labels]], axis=1)).data


def train_gan(x, y, steps=1500, batch=64, snapshot_at=(), balanced=False):
    """A conditional GAN on images x (n, 64) with labels y; returns the generator, the two
    losses per step, and the generator's samples of each class at the steps `snapshot_at`.
    Each step draws real images and the classes G is asked for as often as the data holds
    them, or with `balanced` each class equally often."""
    weights = None if not balanced else 1.0 / np.bincount(y)[y] / len(np.unique(y))
    generator, discriminator = make_gan()
    g_optimizer = optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    d_optimizer = optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real, fake_target = np.ones((batch, 1), np.float32), np.zeros((batch, 1), np.float32)
    losses, snapshots = [], {}
    for step in range(steps + 1):
        if step in snapshot_at:
            snapshots[step] = generate(generator, np.arange(10))
        if step == steps:
            break
        if weights is None:
            picked, asked = rng.integers(0, len(x), batch), y[rng.integers(0, len(y), batch)]
        else:
            picked = rng.choice(len(x), batch, p=weights)
            asked = y[rng.choice(len(y), batch, p=weights)]
        noise = rng.standard_normal((batch, NOISE)).astype(np.float32)
        fake = generator(ag.concatenate([noise, one_hot[asked]], axis=1))
        # 1. the discriminator: real -> 1, generated -> 0
        d_loss = (F.binary_cross_entropy_with_logits(
                      discriminator(with_labels(x[picked], y[picked])), real)
                  + F.binary_cross_entropy_with_logits(
                      discriminator(with_labels(fake.detach(), asked)), fake_target))
        d_optimizer.zero_grad()
        d_loss.backward()
        d_optimizer.step()
        # 2. the generator: make the discriminator say "real"
        g_loss = F.binary_cross_entropy_with_logits(
            discriminator(with_labels(fake, asked)), real)
        g_optimizer.zero_grad()
        g_loss.backward()
        g_optimizer.step()
        losses.append((d_loss.item(), g_loss.item()))
    return generator, np.array(losses), snapshots


generator, gan_losses, snapshots = train_gan(x_train, y_train,
                                             snapshot_at=(0, 100, 300, 1500))
show_digits(list(snapshots.values()), [f"step {s}" for s in snapshots],
            "the generator asked for 0, 1, ..., 9 while it trains")

# %%
window = 50
smooth = np.array([np.convolve(column, np.ones(window) / window, mode="valid")
                   for column in gan_losses.T])
plt.plot(smooth[0], label="discriminator (real + generated)")
plt.plot(smooth[1], label="generator")
plt.axhline(2 * np.log(2), color="C0", lw=0.8, ls="--", label="D guessing: 2 log 2")
plt.axhline(np.log(2), color="C1", lw=0.8, ls="--", label="G against a guessing D: log 2")
plt.xlabel("step")
plt.ylabel(f"loss (mean of {window} steps)")
plt.ylim(0.4, 1.6)
plt.legend(loc="lower left")
plt.title("a GAN's losses do not fall to 0: the two networks chase each other")
plt.show()

# %% [markdown]
# Unlike a classifier's, these losses are not a progress bar. Each network's loss is
# measured against the *other* network, which keeps improving: when G gets better, D's
# loss goes up. The dashed lines are the losses if D could only guess (probability 1/2 for
# every image), where the game would end were both perfect. So we judge the generator by
# its samples.
#
# ## What are the samples worth?
#
# Three checks, on 1,440 new digits, 144 of each class:
#
# - **the right class**: how often does the judge recognise the class G was asked for?
# - **new, not copies**: the distance from each generated digit to its nearest training
#   digit, against the same for the real test digits (which are new by construction) and
#   for random noise images;
# - **train on synthetic, test on real**: a fresh classifier trained *only* on generated
#   digits, tested on the real test digits. If the samples carry what distinguishes the
#   classes, it learns the task from them.

# %%
asked = np.repeat(np.arange(10), 144)
synthetic = generate(generator, asked)
right_class = float(np.mean(judged(synthetic) == asked))


def nearest_distance(images, reference):
    """Mean distance from each image to its nearest image in `reference`."""
    squared = ((images ** 2).sum(1)[:, None] - 2 * images @ reference.T
               + (reference ** 2).sum(1)[None])
    return float(np.sqrt(np.maximum(squared.min(axis=1), 0)).mean())


noise_images = rng.uniform(0, 1, (len(x_test), 64)).astype(np.float32)
distances = {name: nearest_distance(images, x_train) for name, images in
             (("generated", synthetic), ("real test digits", x_test), ("noise", noise_images))}
student = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
synthetic_only = fit_classifier(student, synthetic, asked, x_test, y_test, epochs=30,
                                lr=3e-3)[-1]
print(f"the judge sees the class G was asked for in {right_class:.1%} of its digits")
print("distance to the nearest training digit:",
      ", ".join(f"{name} {d:.2f}" for name, d in distances.items()))
print(f"trained on generated digits only: {synthetic_only:.1%} of the real test digits "
      f"(trained on the real ones: {judge_accuracy:.1%})")
assert right_class > 0.8
assert distances["real test digits"] < distances["generated"] < 0.6 * distances["noise"]
assert 0.7 < synthetic_only < judge_accuracy
show_digits([synthetic[asked == k][:12] for k in range(10)], [str(k) for k in range(10)],
            "new digits from the conditional GAN")

# %% [markdown]
# The generated digits are recognisable, nearer to real digits than noise is, yet not
# copies of training digits (they lie further from the training set than real unseen
# digits do, so they are also a little less typical). A classifier that saw only them
# reaches most, not all, of the real data's accuracy: the samples carry much of what
# separates the classes, and lose some of it.
#
# ## The class you lack
#
# Augmentation is wanted most where data is scarce, say a class with only a few
# examples. Here 3, 5 and 8 keep 10 training digits each (of about 145). A GAN trained on
# this imbalanced set as above sees a 3 in fewer than 1 % of its real images and is asked
# for one as rarely: let us see what it draws, and what one trained with each class
# equally often (its 10 real 3s shown again and again) draws.

# %%
rare = [3, 5, 8]
kept = np.ones(len(y_train), bool)
for k in rare:
    kept[np.flatnonzero(y_train == k)[10:]] = False
x_few, y_few = x_train[kept], y_train[kept]
print("training digits per class:", np.bincount(y_few))
per_class = int(np.median(np.bincount(y_few)))  # the usual count, about 145
missing = np.repeat(rare, per_class - 10)  # what the rare classes lack of it
drawn = {}
for balanced in (False, True):
    generator_few = train_gan(x_few, y_few, balanced=balanced)[0]
    drawn[balanced] = generate(generator_few, missing)
    print(f"GAN trained with classes {'equally often' if balanced else 'as in the data'}: "
          f"the judge sees the class asked for in "
          f"{np.mean(judged(drawn[balanced]) == missing):.1%} of its 3s, 5s and 8s")
as_in_data, rare_synthetic = drawn[False], drawn[True]
assert np.mean(judged(rare_synthetic) == missing) > 0.8
assert np.mean(judged(as_in_data) == missing) < np.mean(judged(rare_synthetic) == missing) - 0.3
show_digits([rare_synthetic[missing == k][:12] for k in rare], [str(k) for k in rare],
            "3s, 5s and 8s of the GAN trained with classes equally often (10 real ones each)")

# %% [markdown]
# Trained with the classes as the data holds them, the GAN barely learned the rare ones:
# the judge recognises a minority of its 3s, 5s and 8s. Balanced, it draws recognisable
# ones from 10 examples each. Do they help
# a classifier more than the 10 real ones do? We train the same MLP three ways and
# measure the **recall** of the rare classes (the share of real test 3s, 5s and 8s
# recognised):
#
# - on the imbalanced set as it is;
# - **oversampled**: the rare classes' 10 digits repeated to the usual count;
# - **with GAN digits**: the missing 3s, 5s and 8s drawn by the balanced GAN.

# %%
is_rare = np.isin(y_few, rare)
repeats = per_class // 10 - 1  # copies of each rare digit beside itself
training_sets = {
    "imbalanced": (x_few, y_few),
    "oversampled": (np.concatenate([x_few, np.repeat(x_few[is_rare], repeats, axis=0)]),
                    np.concatenate([y_few, np.repeat(y_few[is_rare], repeats)])),
    "+ GAN digits": (np.concatenate([x_few, rare_synthetic]),
                     np.concatenate([y_few, missing]))}
rare_test = np.isin(y_test, rare)
rare_recall = {}
for name, (x_set, y_set) in training_sets.items():
    np.random.seed(SEED)  # the same initial weights for the three
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    fit_classifier(model, x_set, y_set, x_test, y_test, epochs=30, lr=3e-3)
    with ag.no_grad():
        predicted = model(x_test).data.argmax(axis=1)
    rare_recall[name] = float(np.mean(predicted[rare_test] == y_test[rare_test]))
    print(f"{name:13} rare classes' recall {rare_recall[name]:.1%}, "
          f"all test digits {np.mean(predicted == y_test):.1%}")
near = {k: (nearest_distance(rare_synthetic[missing == k], x_few[y_few == k]),
            nearest_distance(x_test[y_test == k], x_few[y_few == k])) for k in rare}
for k, (generated, real) in near.items():
    print(f"{k}: distance to the nearest of the 10 training {k}s: generated {generated:.2f}, "
          f"real test {k}s {real:.2f}")
assert rare_recall["+ GAN digits"] < rare_recall["oversampled"] + 0.05
assert all(generated > 0.8 * real for generated, real in near.values())  # not copies

# %% [markdown]
# The GAN's digits are no copies of the 10 it was shown (they lie about as far from them
# as real unseen 3s, 5s and 8s do), yet they help no more than repeating those 10, and
# often less (at SEED = 0 the recalls differ by a few of the 108 rare test digits; at
# SEED = 1 and 2 the GAN's digits recalled 11 to 14 fewer than the repeated ones, at 1
# fewer even than the imbalanced set). The generator learned the rare classes from the
# same 10 digits the classifier has: what it draws beyond them is its guess, not
# information about real 3s. A generator
# cannot add *knowledge* about a class beyond the examples it learned it from.
# What it adds is *variety* learned from plenty of data, and that pays where the
# generator sees more of the data than the classifier can use (many images of which few
# are labelled: an autoencoder or an unconditional GAN needs no labels), or learns shapes
# shared across classes. Either way its samples must be checked, as here, before they are
# trusted; and a conditional model of imbalanced data is trained with its classes balanced.
#
# | augmentation | what it adds | its risk |
# |---|---|---|
# | noise (Gaussian, salt and pepper) | robustness to pixel noise | little, if mild and like the data's own |
# | shifts, rotations, flips (notebook 8) | invariances we know hold | a flip turns a 2 into no digit |
# | autoencoder variations | shape variations near real digits | a changed class if the code moves too far |
# | GAN samples | new digits of a chosen class | a wrong class where it saw too little; no more than its examples held |
#
# **Next:** back to notebook 8 for the other regularizers, or notebook 12 to watch
# backprop inside networks like these.
