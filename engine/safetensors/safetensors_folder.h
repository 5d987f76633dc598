#pragma once
// A Hugging Face model's weights: one model.safetensors, or shards listed by
// model.safetensors.index.json, whose "weight_map" maps each tensor name to the
// file (in the same folder) that holds it. The index comes with the download,
// so it is checked like the files: a shard name must be a plain file name (no
// path separator, not "." or ".."), every mapped shard must exist and hold the
// tensors mapped to it, and every tensor of a shard must be mapped to that shard
// and no other. Errors are ModelFileErrors naming the index or the shard file.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safetensors/safetensors_file.h"

namespace qt {

// A tensor and the shard that holds it.
struct SafetensorsEntry {
    const SafetensorsFile* file = nullptr;
    const SafetensorsTensor* tensor = nullptr;
    explicit operator bool() const { return tensor != nullptr; }
};

class SafetensorsFolder {
public:
    static constexpr const char* kSingleFileName = "model.safetensors";
    static constexpr const char* kIndexFileName = "model.safetensors.index.json";
    static constexpr uint64_t kMaxIndexLength = 100ull << 20;

    // `path` is a folder (its model.safetensors if there is one, as transformers
    // prefers, else its index), an index file, or a single .safetensors file.
    static std::unique_ptr<SafetensorsFolder> open(const std::string& path);

    const std::string& index_path() const { return index_path_; }  // empty without an index
    const std::vector<std::unique_ptr<SafetensorsFile>>& shards() const { return shards_; }  // by file name

    SafetensorsEntry find(std::string_view name) const;  // empty when no shard holds it
    SafetensorsEntry get(std::string_view name) const;   // throws naming the index (or file) and the tensor
    std::vector<std::string> tensor_names() const;       // sorted
    size_t tensor_count() const { return entries_.size(); }

private:
    SafetensorsFolder() = default;
    void open_index();

    std::string index_path_;
    std::string source_;  // the index, or the single file: what errors of lookup name
    std::vector<std::unique_ptr<SafetensorsFile>> shards_;
    std::map<std::string, SafetensorsEntry, std::less<>> entries_;
};

}  // namespace qt
