#include "session_file.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace qt::ui {

void save_session(const QString& path, const TrainConfig& config) {
    nlohmann::json j;
    to_json(j, config);
    std::ofstream out(path.toStdString(), std::ios::trunc);
    if (!out) throw std::runtime_error(path.toStdString() + ": cannot write the session file");
    out << j.dump(2) << '\n';
    if (!out) throw std::runtime_error(path.toStdString() + ": writing the session file failed");
}

TrainConfig load_session(const QString& path) { return load_train_config(path.toStdString()); }

}  // namespace qt::ui
