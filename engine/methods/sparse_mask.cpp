#include "methods/sparse_mask.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "util/atomic_file.h"

namespace qt {
namespace {

constexpr char kMagic[8] = {'Q', 'T', 'S', 'P', 'A', 'R', 'S', 'E'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxHeaderBytes = 64u << 20;  // a header names each matrix once: far below this

// FNV-1a, 64 bits: a check against truncation and damage, not against tampering.
struct Fnv1a {
    uint64_t h = 0xcbf29ce484222325ull;
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
    }
};

[[noreturn]] void fail(const std::string& path, const std::string& place, const std::string& problem) {
    throw SparseMaskError(path + ": " + place + ": " + problem);
}

nlohmann::json identity_json(const SparseMaskIdentity& m) {
    return {{"name", m.name},         {"architecture", m.architecture}, {"n_layers", m.n_layers},
            {"dim", m.dim},           {"ffn_dim", m.ffn_dim},           {"vocab", m.vocab}};
}

std::string identity_text(const SparseMaskIdentity& m) {
    return "\"" + m.name + "\" (" + m.architecture + ", " + std::to_string(m.n_layers) + " layers, dim " +
           std::to_string(m.dim) + ", ffn " + std::to_string(m.ffn_dim) + ", vocabulary " + std::to_string(m.vocab) +
           ")";
}

// Checks what save and load both require of one matrix; `problem` gets the first fault.
bool matrix_is_valid(const SparseMaskMatrix& m, std::string& problem) {
    if (m.rows <= 0 || m.cols <= 0 || m.rows * m.cols > (int64_t{1} << 32)) {
        problem = "shape " + std::to_string(m.rows) + " x " + std::to_string(m.cols) +
                  " is empty or has more than 2^32 entries";
        return false;
    }
    const uint64_t size = static_cast<uint64_t>(m.rows * m.cols);
    for (size_t i = 0; i < m.index.size(); ++i) {
        if (m.index[i] >= size) {
            problem = "entry " + std::to_string(i) + " has index " + std::to_string(m.index[i]) + ", outside the " +
                      std::to_string(m.rows) + " x " + std::to_string(m.cols) + " matrix";
            return false;
        }
        if (i > 0 && m.index[i] <= m.index[i - 1]) {
            problem = "entry " + std::to_string(i) + " (index " + std::to_string(m.index[i]) +
                      ") does not come after the one before it (" + std::to_string(m.index[i - 1]) + ")";
            return false;
        }
    }
    if (!m.values.empty() && m.values.size() != m.index.size()) {
        problem = std::to_string(m.values.size()) + " values for " + std::to_string(m.index.size()) + " entries";
        return false;
    }
    for (size_t i = 0; i < m.values.size(); ++i)
        if (!std::isfinite(m.values[i])) {
            problem = "value " + std::to_string(i) + " is not finite";
            return false;
        }
    return true;
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

SparseMaskIdentity sparse_mask_identity(const LlamaModel& model) {
    const LlamaConfig& c = model.config();
    return {model.file().get_string("general.name", ""), c.architecture, c.n_layers, c.dim, c.ffn_dim, c.vocab_size};
}

int64_t SparseMask::entries() const {
    int64_t n = 0;
    for (const auto& m : matrices) n += static_cast<int64_t>(m.index.size());
    return n;
}

bool SparseMask::has_values() const {
    for (const auto& m : matrices)
        if (!m.values.empty()) return true;
    return false;
}

void save_sparse_mask(const std::string& path, const SparseMask& mask) {
    nlohmann::json header = {{"model", identity_json(mask.model)},
                             {"criterion", mask.criterion},
                             {"scope", mask.scope},
                             {"fraction", mask.fraction},
                             {"details", mask.details},
                             {"matrices", nlohmann::json::array()}};
    for (const SparseMaskMatrix& m : mask.matrices) {
        std::string problem;
        if (!matrix_is_valid(m, problem)) fail(path, "matrix " + m.tensor, problem);
        header["matrices"].push_back({{"tensor", m.tensor},
                                      {"rows", m.rows},
                                      {"cols", m.cols},
                                      {"entries", m.index.size()},
                                      {"has_values", !m.values.empty()}});
    }
    const std::string text = header.dump();
    write_file_atomically(path, [&](std::FILE* f) {
        Fnv1a hash;
        auto put = [&](const void* p, size_t n) {
            if (n && std::fwrite(p, 1, n, f) != n) throw std::runtime_error("write failed");
            hash.add(p, n);
        };
        put(kMagic, sizeof kMagic);
        put(&kVersion, 4);
        const auto header_bytes = static_cast<uint32_t>(text.size());
        put(&header_bytes, 4);
        put(text.data(), text.size());
        for (const SparseMaskMatrix& m : mask.matrices) {
            put(m.index.data(), m.index.size() * sizeof(uint32_t));
            put(m.values.data(), m.values.size() * sizeof(float));
        }
        const uint64_t sum = hash.h;
        if (std::fwrite(&sum, 1, 8, f) != 8) throw std::runtime_error("write failed");
    });
}

SparseMask load_sparse_mask(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) fail(path, "file", "cannot be read (" + ec.message() + ")");
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) fail(path, "file", std::string("cannot be opened (") + std::strerror(errno) + ")");
    Fnv1a hash;
    uint64_t offset = 0;
    auto get = [&](void* p, size_t n, const std::string& what) {
        if (offset + n > size || (n && std::fread(p, 1, n, f.get()) != n))
            fail(path, "byte " + std::to_string(offset), "the file ends inside the " + what);
        hash.add(p, n);
        offset += n;
    };
    char magic[8];
    get(magic, 8, "magic");
    if (std::memcmp(magic, kMagic, 8) != 0) fail(path, "byte 0", "not a QuantTune sparse mask (no QTSPARSE magic)");
    uint32_t version = 0, header_bytes = 0;
    get(&version, 4, "version");
    if (version != kVersion)
        fail(path, "byte 8", "version " + std::to_string(version) + "; this QuantTune reads version " +
                                 std::to_string(kVersion));
    get(&header_bytes, 4, "header size");
    if (header_bytes > kMaxHeaderBytes || header_bytes > size - offset)
        fail(path, "byte 12", "header size " + std::to_string(header_bytes) + " exceeds the file (" +
                                  std::to_string(size) + " bytes)");
    std::string text(header_bytes, '\0');
    get(text.data(), text.size(), "header");

    SparseMask mask;
    nlohmann::json h;
    try {
        h = nlohmann::json::parse(text);
        const auto& m = h.at("model");
        mask.model = {m.at("name").get<std::string>(), m.at("architecture").get<std::string>(),
                      m.at("n_layers").get<int>(),     m.at("dim").get<int>(),
                      m.at("ffn_dim").get<int>(),      m.at("vocab").get<int>()};
        mask.criterion = h.at("criterion").get<std::string>();
        mask.scope = h.at("scope").get<std::string>();
        mask.fraction = h.at("fraction").get<double>();
        mask.details = h.value("details", nlohmann::json::object());
        uint64_t payload = 0;
        for (const auto& e : h.at("matrices")) {
            SparseMaskMatrix mm;
            mm.tensor = e.at("tensor").get<std::string>();
            mm.rows = e.at("rows").get<int64_t>();
            mm.cols = e.at("cols").get<int64_t>();
            const auto entries = e.at("entries").get<uint64_t>();
            const bool values = e.at("has_values").get<bool>();
            const uint64_t bytes = entries * (values ? 8 : 4);
            if (entries > (uint64_t{1} << 32) || payload + bytes > size)
                fail(path, "header, matrix " + mm.tensor,
                     std::to_string(entries) + " entries do not fit in the file (" + std::to_string(size) + " bytes)");
            payload += bytes;
            mm.index.resize(entries);  // bounded by the file's size above
            mm.values.resize(values ? entries : 0);
            mask.matrices.push_back(std::move(mm));
        }
        if (offset + payload + 8 != size)
            fail(path, "header", "describes " + std::to_string(offset + payload + 8) + " bytes but the file has " +
                                     std::to_string(size));
    } catch (const nlohmann::json::exception& e) {
        fail(path, "header", std::string("malformed JSON or a missing field: ") + e.what());
    }
    for (SparseMaskMatrix& m : mask.matrices) {
        get(m.index.data(), m.index.size() * sizeof(uint32_t), "indices of " + m.tensor);
        get(m.values.data(), m.values.size() * sizeof(float), "values of " + m.tensor);
    }
    const uint64_t expect = hash.h;
    uint64_t stored = 0;
    if (std::fread(&stored, 1, 8, f.get()) != 8) fail(path, "byte " + std::to_string(offset), "no checksum");
    if (stored != expect)
        fail(path, "checksum", "does not match the content: the file is damaged (or was changed by hand)");
    for (const SparseMaskMatrix& m : mask.matrices) {
        std::string problem;
        if (!matrix_is_valid(m, problem)) fail(path, "matrix " + m.tensor, problem);
    }
    if (!(mask.fraction > 0 && mask.fraction <= 1)) fail(path, "header", "fraction outside (0, 1]");
    return mask;
}

void check_sparse_mask_fits(const SparseMask& mask, LlamaModel& model, const std::string& path) {
    const SparseMaskIdentity here = sparse_mask_identity(model);
    if (!(mask.model == here))
        fail(path, "model", "the mask was made for " + identity_text(mask.model) + ", not for this model " +
                                identity_text(here));
    std::vector<WeightTensor*> linears = model.trainable_linears();
    std::vector<bool> seen(linears.size(), false);
    for (const SparseMaskMatrix& m : mask.matrices) {
        size_t k = 0;
        while (k < linears.size() && linears[k]->name != m.tensor) ++k;
        if (k == linears.size()) fail(path, "matrix " + m.tensor, "the model has no trainable linear of that name");
        if (seen[k]) fail(path, "matrix " + m.tensor, "appears twice");
        seen[k] = true;
        if (linears[k]->rows != m.rows || linears[k]->cols != m.cols)
            fail(path, "matrix " + m.tensor,
                 "shape " + std::to_string(m.rows) + " x " + std::to_string(m.cols) + " where the model has " +
                     std::to_string(linears[k]->rows) + " x " + std::to_string(linears[k]->cols));
    }
}

}  // namespace qt
