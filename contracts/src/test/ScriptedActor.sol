// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test-only contract account that acts (as requester or worker) on its owner's behalf
/// and, when `refusing` is set, reverts every incoming token via the receive hook.
contract ScriptedActor {
    error Refused();
    error NotOwner();

    address public immutable owner;
    bool public refusing;

    constructor() {
        owner = msg.sender;
    }

    function setRefusing(bool refusing_) external {
        if (msg.sender != owner) revert NotOwner();
        refusing = refusing_;
    }

    function exec(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner();
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function onTokenReceived(address, uint256) external view {
        if (refusing) revert Refused();
    }
}
