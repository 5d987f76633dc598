// The image generator's meter: an MLP classifier QuantTune trains on
// Fashion-MNIST in under a minute on two cores, and the Fréchet distance over its
// hidden features, checked against closed forms and against the data itself.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <random>

#include "fashion_mnist_support.h"
#include "image/frechet_distance.h"
#include "image/image_classifier.h"
#include "image/image_fid.h"

namespace {

struct TrainedClassifier {
    qt::ImageClassifier model;
    double seconds;
};

// Trained once a process on the 60,000 training images for the default 5 epochs (no
// time budget: the accuracy must not depend on how loaded the machine is).
const TrainedClassifier& fashion_classifier(const qt::ImageSet& train) {
    static const TrainedClassifier trained = [&] {
        qt::ImageClassifierTraining s;
        const auto t0 = std::chrono::steady_clock::now();
        qt::ImageClassifier m = qt::ImageClassifier::train(train, 10, s, [](int epoch, double loss) {
            std::printf("classifier epoch %d: training loss %.4f\n", epoch + 1, loss);
        });
        return TrainedClassifier{std::move(m), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
    }();
    return trained;
}

// Two classes of 4 x 4 images: bright on the left half, or on the right.
qt::ImageSet halves(int n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.3f);
    qt::ImageSet s;
    s.width = s.height = 4;
    for (int i = 0; i < n; ++i) {
        const uint8_t label = static_cast<uint8_t>(i % 2);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x) s.pixels.push_back(((x < 2) == (label == 0) ? 0.5f : -0.5f) + noise(rng));
        s.labels.push_back(label);
    }
    return s;
}

qt::GaussianStats stats(const std::vector<double>& mean, const std::vector<double>& cov) {
    qt::GaussianStats s;
    s.dim = static_cast<int>(mean.size());
    s.count = 100;
    s.mean = mean;
    s.cov = cov;
    return s;
}

}  // namespace

TEST(ImageClassifier, LearnsASimpleTwoClassSetPerfectly) {
    const qt::ImageSet train = halves(512, 1), test = halves(256, 2);
    qt::ImageClassifierTraining s;
    s.hidden = 8;
    s.epochs = 20;
    s.batch = 32;
    s.lr = 1e-2;
    const qt::ImageClassifier m = qt::ImageClassifier::train(train, 2, s);
    EXPECT_EQ(m.accuracy(test), 1.0);
}

TEST(ImageClassifier, TheBackwardPassMatchesCentralDifferencesOfTheLoss) {
    const qt::ImageSet set = halves(16, 7);
    qt::ImageClassifier m(16, 6, 2, 11);
    // Biases that keep every pre-activation away from ReLU's kink, where a
    // difference of +-h would straddle it: odd units dead, even units live, so
    // that both sides of the mask are checked.
    for (int i = 0; i < 6 * 16; ++i) m.parameters()[static_cast<size_t>(i)] *= 0.25f;
    float* b1 = m.parameters().data() + 6 * 16;
    for (int j = 0; j < 6; ++j) b1[j] = j % 2 ? -2.0f : 2.0f;
    double margin = 1e9;
    for (int64_t r = 0; r < set.size(); ++r)
        for (int j = 0; j < 6; ++j) {
            double pre = b1[j];
            for (int i = 0; i < 16; ++i) pre += m.parameters()[static_cast<size_t>(j * 16 + i)] * set.image(r)[i];
            margin = std::min(margin, std::abs(pre));
        }
    ASSERT_GT(margin, 0.1);
    std::vector<float> grad;
    m.loss_and_gradient(set, grad);
    ASSERT_EQ(grad.size(), m.parameters().size());
    std::vector<float> unused;
    double worst = 0;
    for (size_t i = 0; i < grad.size(); ++i) {
        const float keep = m.parameters()[i];
        const float h = 1e-2f;
        m.parameters()[i] = keep + h;
        const double up = m.loss_and_gradient(set, unused);
        m.parameters()[i] = keep - h;
        const double down = m.loss_and_gradient(set, unused);
        m.parameters()[i] = keep;
        const double numeric = (up - down) / (2.0 * h);
        const double rel = std::abs(numeric - grad[i]) / (std::abs(numeric) + std::abs(grad[i]) + 1e-3);
        worst = std::max(worst, rel);
    }
    std::printf("worst relative gradient error over %zu weights: %.2e\n", grad.size(), worst);
    EXPECT_LT(worst, 1e-3);  // measured 3e-5: float rounding of the loss over 2h
}

TEST(ImageClassifier, TrainedFiveEpochsOnFashionMnistClassifiesEightyFivePercentOfTheTestSet) {
    QT_REQUIRE_FASHION_MNIST(train, qt::FashionMnistSplit::Train);
    QT_REQUIRE_FASHION_MNIST(test, qt::FashionMnistSplit::Test);
    const TrainedClassifier& c = fashion_classifier(*train);
    const double acc = c.model.accuracy(*test), train_acc = c.model.accuracy(qt::take_first(*train, 10000));
    std::printf("[ classifier ] 784-256-10 MLP: trained in %.1f s; accuracy %.4f on the test set, %.4f on 10,000 training "
                "images\n",
                c.seconds, acc, train_acc);
    // Measured 0.877 after 5 epochs (13-43 s on 2 cores, depending on load).
    EXPECT_GE(acc, 0.85);
}

TEST(ImageClassifier, SavedAndLoadedItComputesTheSameFeatures) {
    qt::test::TempDir tmp("classifier");
    const qt::ImageSet set = halves(64, 3);
    qt::ImageClassifierTraining s;
    s.hidden = 8;
    s.epochs = 2;
    const qt::ImageClassifier m = qt::ImageClassifier::train(set, 2, s);
    m.save(tmp.path + "/c.bin");
    const qt::ImageClassifier r = qt::ImageClassifier::load(tmp.path + "/c.bin");
    EXPECT_EQ(r.features(set), m.features(set));
    EXPECT_EQ(r.predict(set), m.predict(set));
    // The cache: a first call trains and saves, a second loads the same weights.
    const qt::ImageClassifier a = qt::load_or_train_image_classifier(tmp.path + "/cache.bin", set, 2, s);
    const qt::ImageClassifier b = qt::load_or_train_image_classifier(tmp.path + "/cache.bin", set, 2, s);
    EXPECT_EQ(a.features(set), b.features(set));
    EXPECT_EQ(qt::image_frechet_distance(a, set, set), qt::frechet_distance(qt::feature_stats(b, set), qt::feature_stats(b, set)));
}

TEST(ImageClassifier, ABrokenFileGetsOneClearLine) {
    qt::test::TempDir tmp("classifier");
    const std::string good = tmp.path + "/good.bin";
    qt::ImageClassifier(16, 4, 2, 1).save(good);
    std::vector<uint8_t> bytes = qt::test::read_bytes(good);
    auto error_of = [&](const std::string& name, const std::vector<uint8_t>& b) {
        const std::string path = tmp.path + "/" + name;
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        try {
            qt::ImageClassifier::load(path);
        } catch (const qt::ImageDataError& e) {
            return std::string(e.what()).substr(path.size());
        }
        return std::string("no error");
    };
    std::vector<uint8_t> b = bytes;
    b.resize(10);
    EXPECT_EQ(error_of("short", b), ": truncated at byte 10: the header is 24 bytes");
    b = bytes;
    b[0] = 'X';
    EXPECT_EQ(error_of("magic", b), ": byte 0: not a QuantTune image classifier (magic QTIMGCLS)");
    b = bytes;
    b[8] = 7;
    EXPECT_EQ(error_of("version", b), ": byte 8: version 7; this build reads version 1");
    b = bytes;
    b[16] = 0;
    EXPECT_EQ(error_of("hidden", b), ": byte 16: hidden 0 outside 1..65536");
    b = bytes;
    for (int i : {12, 16}) b[static_cast<size_t>(i)] = 0, b[static_cast<size_t>(i) + 2] = 1;  // 65536 x 65536: 16 GiB promised
    EXPECT_EQ(error_of("huge", b), ": byte " + std::to_string(bytes.size()) + ": the file is " +
                                       std::to_string(bytes.size()) + " bytes; its header's shape (65536 x 65536 x 2) makes " +
                                       std::to_string(24 + 4 * (65536LL * 65536 + 65536 + 2 * 65536 + 2)));
    b = bytes;
    b.pop_back();
    EXPECT_EQ(error_of("cut", b), ": byte " + std::to_string(bytes.size() - 1) + ": the file is " +
                                      std::to_string(bytes.size() - 1) + " bytes; its header's shape (16 x 4 x 2) makes " +
                                      std::to_string(bytes.size()));
}

TEST(FrechetDistance, IsZeroForIdenticalSets) {
    std::mt19937_64 rng(5);
    std::normal_distribution<float> n(0.0f, 1.0f);
    std::vector<float> f(500 * 32);
    for (float& v : f) v = n(rng) * 3.0f + 1.0f;
    const qt::GaussianStats s = qt::gaussian_stats(f.data(), 500, 32);
    const double d = qt::frechet_distance(s, s);
    std::printf("FD of a set with itself: %.3g\n", d);
    EXPECT_NEAR(d, 0.0, 1e-8);
}

TEST(FrechetDistance, MatchesTheClosedFormForGaussiansThatShareEigenvectors) {
    // Diagonal: d^2 = |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
    const qt::GaussianStats a = stats({0, 1, 2}, {4, 0, 0, 0, 9, 0, 0, 0, 1});
    const qt::GaussianStats b = stats({1, 1, 0}, {1, 0, 0, 0, 16, 0, 0, 0, 0.25});
    EXPECT_NEAR(qt::frechet_distance(a, b), (1 + 0 + 4) + (1 + 1 + 0.25), 1e-10);
    // Both rotated by one orthogonal Q (a Givens rotation in the first two axes):
    // the same eigenvalues, so the same distance, though neither matrix is diagonal.
    const double c = std::cos(0.7), s = std::sin(0.7);
    auto rotate = [&](double d0, double d1, double d2) {
        return std::vector<double>{c * c * d0 + s * s * d1, c * s * (d0 - d1), 0, c * s * (d0 - d1), s * s * d0 + c * c * d1, 0,
                                   0, 0, d2};
    };
    const qt::GaussianStats ra = stats({0, 1, 2}, rotate(4, 9, 1)), rb = stats({1, 1, 0}, rotate(1, 16, 0.25));
    EXPECT_NEAR(qt::frechet_distance(ra, rb), 7.25, 1e-10);
    // A singular covariance (a point mass in one axis) is fine too.
    const qt::GaussianStats z = stats({0, 1, 2}, {4, 0, 0, 0, 0, 0, 0, 0, 1});
    EXPECT_NEAR(qt::frechet_distance(a, z), 9, 1e-10);
}

TEST(FrechetDistance, SampledGaussiansComeCloseToTheirClosedForm) {
    // x = A z + mu with z standard normal: covariance A A^T. Two such in 3
    // dimensions with diagonal A, 200,000 samples each.
    std::mt19937_64 rng(9);
    std::normal_distribution<double> z(0.0, 1.0);
    const int n = 200000;
    auto sample = [&](std::vector<double> mu, std::vector<double> sd) {
        std::vector<float> f(static_cast<size_t>(n) * 3);
        for (int r = 0; r < n; ++r)
            for (int j = 0; j < 3; ++j) f[static_cast<size_t>(r * 3 + j)] = static_cast<float>(mu[j] + sd[j] * z(rng));
        return qt::gaussian_stats(f.data(), n, 3);
    };
    const qt::GaussianStats a = sample({0, 1, 2}, {2, 3, 1}), b = sample({1, 1, 0}, {1, 4, 0.5});
    const double d = qt::frechet_distance(a, b);
    std::printf("sampled FD %.4f, closed form 7.25\n", d);
    EXPECT_NEAR(d, 7.25, 0.1);
    EXPECT_NEAR(qt::frechet_distance(b, a), d, 1e-9);  // symmetric
}

TEST(FrechetDistance, OneClassIsFartherFromTheTestSetThanTheTrainingSetIs) {
    QT_REQUIRE_FASHION_MNIST(train, qt::FashionMnistSplit::Train);
    QT_REQUIRE_FASHION_MNIST(test, qt::FashionMnistSplit::Test);
    const qt::ImageClassifier& m = fashion_classifier(*train).model;
    auto stats_of = [&](const qt::ImageSet& set) { return qt::feature_stats(m, set); };
    const qt::GaussianStats test_stats = stats_of(*test);
    const double vs_train = qt::frechet_distance(test_stats, stats_of(qt::take_first(*train, 10000)));
    const double vs_sneakers = qt::frechet_distance(test_stats, stats_of(qt::take_class(*train, 7, 6000)));
    const double vs_half = qt::frechet_distance(test_stats, stats_of(qt::without_class(*test, 7)));
    std::printf("[ frechet ] test vs 10,000 train %.3f; test vs the test set without sneakers %.3f; test vs 6,000 train "
                "sneakers %.3f\n",
                vs_train, vs_half, vs_sneakers);
    EXPECT_GT(vs_train, 0.0);
    EXPECT_GT(vs_half, vs_train);
    EXPECT_GT(vs_sneakers, 10 * vs_half);
}
